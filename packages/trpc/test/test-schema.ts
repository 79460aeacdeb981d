import { relationalQueryOptions } from '@multidb/testing';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';

/** One row per database, different on each node: tells which node served a query. */
export const nodeInfo = pgTable('node_info', { name: text().primaryKey() });

export const notes = pgTable('notes', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  body: text().notNull().unique(),
});

export const schema = { nodeInfo, notes };
export type TestSchema = typeof schema;

/** `db.query.notes` on the installed drizzle-orm: `{ schema }` on 0.45, `{ relations }` on 1.0. */
export const relational = relationalQueryOptions(schema);

export const DDL = `
CREATE TABLE node_info (name text PRIMARY KEY);
CREATE TABLE notes (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL UNIQUE);
INSERT INTO node_info VALUES ('primary');`;
