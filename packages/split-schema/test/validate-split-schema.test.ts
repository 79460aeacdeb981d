import { drizzleLine, MultiDbError } from '@multidb/config';
import * as orm from 'drizzle-orm';
import { integer, pgSchema, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { defineSplitSchema, type SplitSchemaIssue, validateSplitSchema } from '../src/index.js';
import * as dataTables from './fixtures/data-tables.js';
import * as primaryTables from './fixtures/primary-tables.js';
import { testLayout } from './fixtures/test-layout.js';
import { relations } from './fixtures/v1-relations.js';

// biome-ignore lint/suspicious/noExplicitAny: the v2 relations builder (drizzle-orm 1.0; typechecked against 0.45)
type R = any;
/** drizzle-orm 1.0's `defineRelations`, reached through a namespace import (absent on 0.45). */
const defineRelations = (schema: object, build: (r: R) => object) =>
  (
    orm as unknown as { defineRelations: (s: object, f: (r: R) => object) => Record<string, unknown> }
  ).defineRelations(schema, build);

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

  it('refuses a v1 relation crossing databases (0.45 relations(), 1.0 drizzle-orm/_relations), with the tables or apart', () => {
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

  it.runIf(drizzleLine() === '1.0')(
    '1.0: refuses a defineRelations relation crossing databases, given as relations or among the tables',
    () => {
      const kids = beta.table('kids', { id: uuid('id').primaryKey(), parentId: uuid('parent_id') });
      const relationsV2 = defineRelations({ parents, kids }, (r) => ({
        kids: { parent: r.one.parents({ from: r.kids.parentId, to: r.parents.id }) },
        parents: { kids: r.many.kids() },
      }));
      const expected = [
        {
          type: 'CrossDatabaseRelation',
          relation: 'parents.kids',
          table: 'alpha.parents',
          references: 'beta.kids',
          from: 'primary',
          to: 'data',
        },
        {
          type: 'CrossDatabaseRelation',
          relation: 'kids.parent',
          table: 'beta.kids',
          references: 'alpha.parents',
          from: 'data',
          to: 'primary',
        },
      ];
      expect(validateSplitSchema({ ...split, tables: { parents, kids }, relations: relationsV2 })).toEqual(
        expected,
      );
      expect(validateSplitSchema({ ...split, tables: { parents, kids, relationsV2 } })).toEqual(expected);
      expect(() =>
        defineSplitSchema({ ...split, tables: { parents, kids }, relations: relationsV2 }),
      ).toThrow(/relation kids.parent on beta.kids \(data\) points to alpha.parents \(primary\)/);
    },
  );

  it.runIf(drizzleLine() === '1.0')(
    '1.0: a many-to-many through a junction table of the other database is refused; inside one database accepted',
    () => {
      const users = alpha.table('users', { id: integer('id').primaryKey() });
      const groups = alpha.table('groups', { id: integer('id').primaryKey() });
      const members = beta.table('members', { userId: integer('user_id'), groupId: integer('group_id') });
      const inAlpha = alpha.table('alpha_members', {
        userId: integer('user_id'),
        groupId: integer('group_id'),
      });
      const across = defineRelations({ users, groups, members }, (r) => ({
        users: {
          groups: r.many.groups({
            from: r.users.id.through(r.members.userId),
            to: r.groups.id.through(r.members.groupId),
          }),
        },
      }));
      const issues = validateSplitSchema({ ...split, tables: { users, groups, members }, relations: across });
      expect(issues).toEqual([
        {
          type: 'CrossDatabaseRelation',
          relation: 'users.groups',
          table: 'alpha.users',
          references: 'beta.members',
          from: 'primary',
          to: 'data',
        },
      ]);
      const inside = defineRelations({ users, groups, inAlpha }, (r) => ({
        users: {
          groups: r.many.groups({
            from: r.users.id.through(r.inAlpha.userId),
            to: r.groups.id.through(r.inAlpha.groupId),
          }),
        },
      }));
      const others = beta.table('others', { id: integer('id').primaryKey() });
      expect(
        validateSplitSchema({ ...split, tables: { users, groups, inAlpha, others }, relations: inside }),
      ).toEqual([]);
    },
  );

  it('splits tables and relations by database and answers databaseOf', () => {
    expect(Object.keys(testLayout.primary.schema).sort()).toEqual(
      drizzleLine() === '0.45'
        ? ['members', 'membersRelations', 'plans', 'tokens', 'tokensRelations']
        : ['members', 'plans', 'tokens'],
    );
    expect(Object.keys(testLayout.data.schema).sort()).toEqual(
      drizzleLine() === '0.45'
        ? ['eventLog', 'eventLogRelations', 'eventTags', 'eventTagsRelations', 'kinds']
        : ['eventLog', 'eventTags', 'kinds'],
    );
    expect(Object.keys(testLayout.schema)).toHaveLength(drizzleLine() === '0.45' ? 10 : 6);
    if (drizzleLine() === '1.0') {
      // Each side gets its tables' entries of the one defineRelations config.
      expect(Object.keys(testLayout.primary.relations ?? {}).sort()).toEqual(['members', 'plans', 'tokens']);
      expect(Object.keys(testLayout.data.relations ?? {}).sort()).toEqual(['eventLog', 'eventTags', 'kinds']);
      expect(Object.keys(testLayout.relations ?? {})).toHaveLength(6);
    } else expect(testLayout.relations).toBeUndefined();
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

  it('takes the migrations folder of the installed drizzle-orm line from a per-line map', () => {
    const line = drizzleLine();
    const other = line === '0.45' ? '1.0' : '0.45';
    const layout = defineSplitSchema({
      primary: {
        schemas: ['alpha'],
        migrations: { folder: { [line]: 'mine/alpha', [other]: 'theirs/alpha' } },
      },
      data: { schemas: ['beta'], migrations: { folder: 'plain/beta' } },
      tables: { parents, others },
    });
    expect([layout.primary.migrations.folder, layout.data.migrations.folder]).toEqual([
      'mine/alpha',
      'plain/beta',
    ]);
    expect(() =>
      defineSplitSchema({
        primary: { schemas: ['alpha'], migrations: { folder: { [other]: 'theirs/alpha' } } },
        data: { schemas: ['beta'] },
        tables: { parents, others },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'InvalidSplitSchema',
        message: expect.stringContaining(`primary.migrations.folder has no folder for drizzle-orm ${line}`),
      }),
    );
  });
});
