import { integer, type PgDatabase, type PgQueryResultHKT, pgTable, text } from 'drizzle-orm/pg-core';

/** The table the router benchmarks read: 1,000 rows looked up by primary key. */
export const items = pgTable('items', { id: integer().primaryKey(), name: text().notNull() });
export const schema = { items };
export type Db = PgDatabase<PgQueryResultHKT>;
export const SETUP = `CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
  INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g;`;
