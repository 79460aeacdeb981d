import { MultiDbError } from '@multidb/config';
import { relations } from 'drizzle-orm';
import { integer, pgSchema, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { defineSplitSchema, type SplitSchemaIssue, validateSplitSchema } from '../src/index.js';
import * as dataTables from './fixtures/data-tables.js';
import * as primaryTables from './fixtures/primary-tables.js';
import { testLayout } from './fixtures/test-layout.js';

const alpha = pgSchema('alpha');
const beta = pgSchema('beta');
const parents = alpha.table('parents', { id: uuid('id').primaryKey() });
const mood = beta.enum('mood', ['ok', 'meh']);
const children = beta.table('children', {
  id: uuid('id').primaryKey(),
  parentId: uuid('parent_id').references(() => parents.id),
  mood: mood('mood'),
});
const others = beta.table('others', { id: integer('id').primaryKey(), childId: uuid('child_id') });
const childRelations = relations(children, ({ one }) => ({
  parent: one(parents, { fields: [children.parentId], references: [parents.id] }),
}));
const othersRelations = relations(others, ({ one }) => ({
  child: one(children, { fields: [others.childId], references: [children.id] }),
}));
const loose = pgTable('loose', { id: text('id').primaryKey() });
const gamma = pgSchema('gamma');
const stray = gamma.table('stray', { id: text('id').primaryKey() });
const alphaMood = alpha.enum('alpha_mood', ['x']);
const usesAlphaEnum = beta.table('uses_alpha_enum', { id: text('id').primaryKey(), m: alphaMood('m') });

const split = { primary: { schemas: ['alpha'] }, data: { schemas: ['beta'] } };
const types = (issues: readonly SplitSchemaIssue[]) => issues.map((i) => i.type);

describe('validateSplitSchema', () => {
  it('accepts foreign keys and relations inside one database, across its pgSchemas too', () => {
    expect(validateSplitSchema({ ...split, tables: { parents, others, othersRelations } })).toEqual([]);
    expect(
      validateSplitSchema({
        primary: { schemas: ['accounts', 'billing'] },
        data: { schemas: ['events', 'lookup'] },
        tables: [primaryTables, dataTables],
      }),
    ).toEqual([]);
  });

  it('refuses a foreign key crossing databases', () => {
    const issues = validateSplitSchema({
      ...split,
      tables: {
        parents,
        children: beta.table('kids', {
          id: uuid('id').primaryKey(),
          parentId: uuid('parent_id').references(() => parents.id),
        }),
      },
    });
    expect(issues).toEqual([
      {
        type: 'CrossDatabaseForeignKey',
        table: 'beta.kids',
        constraint: 'kids_parent_id_parents_id_fk',
        references: 'alpha.parents',
        from: 'data',
        to: 'primary',
      },
    ]);
  });

  it('refuses a Drizzle relation crossing databases, given with the tables or apart', () => {
    const kids = beta.table('kids', { id: uuid('id').primaryKey(), parentId: uuid('parent_id') });
    const kidsRelations = relations(kids, ({ one }) => ({
      parent: one(parents, { fields: [kids.parentId], references: [parents.id] }),
    }));
    const expected = {
      type: 'CrossDatabaseRelation',
      relation: 'kidsRelations.parent',
      table: 'beta.kids',
      references: 'alpha.parents',
      from: 'data',
      to: 'primary',
    };
    expect(validateSplitSchema({ ...split, tables: { parents, kids, kidsRelations } })).toEqual([expected]);
    expect(
      validateSplitSchema({ ...split, tables: [{ parents }, { kids }], relations: { kidsRelations } }),
    ).toEqual([expected]);
  });

  it('refuses a schema listed twice, in both databases or in one', () => {
    const both = validateSplitSchema({
      primary: { schemas: ['alpha', 'beta'] },
      data: { schemas: ['beta'] },
      tables: { parents, others },
    });
    expect(both).toContainEqual({
      type: 'SchemaListedTwice',
      schema: 'beta',
      databases: ['primary', 'data'],
    });
    const same = validateSplitSchema({
      primary: { schemas: ['alpha', 'alpha'] },
      data: { schemas: ['beta'] },
      tables: { parents, others },
    });
    expect(same).toContainEqual({
      type: 'SchemaListedTwice',
      schema: 'alpha',
      databases: ['primary', 'primary'],
    });
  });

  it('refuses a schema in neither database, and a listed schema nothing uses', () => {
    const issues = validateSplitSchema({ ...split, tables: { parents, others, stray } });
    expect(issues).toEqual([{ type: 'UnassignedSchema', schema: 'gamma', objects: ['gamma.stray'] }]);
    const typo = validateSplitSchema({
      primary: { schemas: ['alpha'] },
      data: { schemas: ['betta'] },
      tables: { parents, others },
    });
    expect(types(typo)).toEqual(['UnassignedSchema', 'UnusedSchema']);
  });

  it('refuses a table in the default public schema', () => {
    expect(validateSplitSchema({ ...split, tables: { parents, others, loose } })).toEqual([
      { type: 'PublicSchemaTable', table: 'loose' },
    ]);
  });

  it('refuses a column whose enum type lives in the other database', () => {
    expect(validateSplitSchema({ ...split, tables: { parents, usesAlphaEnum, alphaMood } })).toEqual([
      {
        type: 'CrossDatabaseEnum',
        table: 'beta.uses_alpha_enum',
        column: 'm',
        enum: 'alpha.alpha_mood',
        from: 'data',
        to: 'primary',
      },
    ]);
  });

  it('refuses an empty database and two tables with one name', () => {
    const twin = alpha.table('parents', { id: uuid('id').primaryKey() });
    const issues = validateSplitSchema({
      primary: { schemas: [] },
      data: { schemas: ['alpha'] },
      tables: { parents, twin },
    });
    expect(issues).toEqual([
      { type: 'NoSchemas', database: 'primary' },
      { type: 'DuplicateTable', table: 'alpha.parents', keys: ['parents', 'twin'] },
    ]);
  });
});

describe('defineSplitSchema', () => {
  it('throws one MultiDbError listing every problem', () => {
    let caught: unknown;
    try {
      defineSplitSchema({ ...split, tables: { parents, children, mood, childRelations, loose, stray } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MultiDbError);
    const error = caught as MultiDbError;
    expect(error.code).toBe('InvalidSplitSchema');
    const issues = error.context.issues as SplitSchemaIssue[];
    expect(types(issues).sort()).toEqual(
      ['CrossDatabaseForeignKey', 'CrossDatabaseRelation', 'PublicSchemaTable', 'UnassignedSchema'].sort(),
    );
    expect(error.message).toMatch(/invalid split schema \(4 problems\)/);
    expect(error.message).toContain('children_parent_id_parents_id_fk');
  });

  it('splits tables and relations by database and answers databaseOf', () => {
    expect(Object.keys(testLayout.primary.schema).sort()).toEqual([
      'members',
      'membersRelations',
      'plans',
      'tokens',
      'tokensRelations',
    ]);
    expect(Object.keys(testLayout.data.schema).sort()).toEqual([
      'eventLog',
      'eventLogRelations',
      'eventTags',
      'eventTagsRelations',
      'kinds',
    ]);
    expect(Object.keys(testLayout.schema)).toHaveLength(10);
    expect(testLayout.primary.tables).toHaveLength(3);
    expect(testLayout.databaseOf(primaryTables.members)).toBe('primary');
    expect(testLayout.databaseOf(dataTables.eventLog)).toBe('data');
    expect(testLayout.databaseOf('lookup.kinds')).toBe('data');
    expect(testLayout.databaseOf('billing')).toBe('primary');
    expect(() => testLayout.databaseOf('nowhere.t')).toThrow(/belongs to no database/);
    expect(testLayout.primary.migrations.table).toBe('__migrations_primary');
    expect(testLayout.data.migrations.schema).toBe('drizzle');
    expect(Object.isFrozen(testLayout)).toBe(true);
  });
});
