import { sql } from 'drizzle-orm';
import { integer, pgSchema, primaryKey, serial, text } from 'drizzle-orm/pg-core';

/**
 * Tables for "the backup must be an exact copy" (issue 10), in their own schema so the shared test schema stays as
 * it is: parents with ON DELETE CASCADE and SET NULL children, keys that must not change, a composite-key table
 * for statements of 50,000 rows, and a gate table that lets a test hold memory mode's apply.
 */
export const ec = pgSchema('ec');

export const parents = ec.table('parents', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
});

export const cascadeChildren = ec.table('cascade_children', {
  id: integer('id').primaryKey(),
  parentId: integer('parent_id')
    .notNull()
    .references(() => parents.id, { onDelete: 'cascade' }),
  note: text('note').notNull(),
});

export const setNullChildren = ec.table('set_null_children', {
  id: integer('id').primaryKey(),
  parentId: integer('parent_id').references(() => parents.id, { onDelete: 'set null' }),
  note: text('note').notNull(),
});

/** A plain key and a unique column (an `onConflictDoUpdate` target that is not the key). */
export const items = ec.table('items', {
  id: integer('id').primaryKey(),
  name: text('name').notNull().unique(),
  n: integer('n').notNull().default(0),
});

export const pairs = ec.table(
  'pairs',
  {
    k1: integer('k1').notNull(),
    k2: integer('k2').notNull(),
    v: text('v').notNull(),
  },
  (t) => [primaryKey({ columns: [t.k1, t.k2] })],
);

/** A key column Drizzle rewrites on every update (`$onUpdate`): any update changes the key. */
export const revisions = ec.table(
  'revisions',
  {
    doc: integer('doc').notNull(),
    rev: integer('rev')
      .notNull()
      .$onUpdate(() => sql`"rev" + 1`),
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.doc, t.rev] })],
);

export const gate = ec.table('gate', { id: serial('id').primaryKey() });

export const exactCopySchema = { parents, cascadeChildren, setNullChildren, items, pairs, revisions, gate };
export const exactCopyTables = [
  parents,
  cascadeChildren,
  setNullChildren,
  items,
  pairs,
  revisions,
  gate,
] as const;

export const EXACT_COPY_DDL = `
create schema if not exists ec;
create table if not exists ec.parents (id integer primary key, name text not null);
create table if not exists ec.cascade_children (
  id integer primary key,
  parent_id integer not null references ec.parents(id) on delete cascade,
  note text not null
);
create table if not exists ec.set_null_children (
  id integer primary key,
  parent_id integer references ec.parents(id) on delete set null,
  note text not null
);
create table if not exists ec.items (id integer primary key, name text not null unique, n integer not null default 0);
create table if not exists ec.pairs (k1 integer not null, k2 integer not null, v text not null, primary key (k1, k2));
create table if not exists ec.revisions (
  doc integer not null, rev integer not null, body text not null, primary key (doc, rev)
);
create table if not exists ec.gate (id serial primary key);
`;

export const EXACT_COPY_TRUNCATE =
  'truncate ec.cascade_children, ec.set_null_children, ec.parents, ec.items, ec.pairs, ec.revisions, ec.gate restart identity;';
