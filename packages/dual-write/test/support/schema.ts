import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  integer,
  jsonb,
  numeric,
  pgSchema,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** Small schema exercising what the backup must get right: JS and SQL defaults, identity, composite keys, FKs. */
export const dw = pgSchema('dw');

let tokenCounter = 0;
export const accounts = dw.table('accounts', {
  id: uuid('id')
    .primaryKey()
    .$defaultFn(() => randomUUID()),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, precision: 6 }).$onUpdateFn(() => new Date()),
  balance: numeric('balance', { precision: 30, scale: 6 }).notNull().default('0'),
  big: bigint('big', { mode: 'bigint' }),
  meta: jsonb('meta').$type<Record<string, unknown>>(),
  token: text('token').$defaultFn(() => `tok-${++tokenCounter}-${Math.random().toString(36).slice(2)}`),
  shout: text('shout').generatedAlwaysAs(sql`upper(name)`),
});

export const orders = dw.table('orders', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  accountId: uuid('account_id')
    .notNull()
    .references(() => accounts.id),
  total: integer('total').notNull(),
  status: text('status').notNull().default('new'),
  parentId: integer('parent_id').references((): AnyPgColumn => orders.id),
});

export const orderLines = dw.table(
  'order_lines',
  {
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    sku: text('sku').notNull(),
    qty: integer('qty').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.line] })],
);

/** Public schema, serial key, deterministic defaults: for result-shape comparisons. */
export const counters = pgTable('counters', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  n: integer('n').notNull().default(0),
  note: text('note'),
});

export const noKey = pgTable('no_key', { a: text('a') });

export const schema = { accounts, orders, orderLines, counters };
export const allTables = [accounts, orders, orderLines, counters] as const;

export const DDL = `
create schema if not exists dw;
create table dw.accounts (
  id uuid primary key,
  email text not null unique,
  name text not null,
  created_at timestamptz(6) not null default now(),
  updated_at timestamptz(6),
  balance numeric(30, 6) not null default 0,
  big bigint,
  meta jsonb,
  token text,
  shout text generated always as (upper(name)) stored
);
create table dw.orders (
  id integer primary key generated always as identity,
  account_id uuid not null references dw.accounts(id),
  total integer not null,
  status text not null default 'new',
  parent_id integer references dw.orders(id)
);
create table dw.order_lines (
  order_id integer not null references dw.orders(id) on delete cascade,
  line integer not null,
  sku text not null,
  qty integer not null,
  primary key (order_id, line)
);
create table counters (id serial primary key, name text not null unique, n integer not null default 0, note text);
create table no_key (a text);
`;

export const TRUNCATE = `truncate dw.order_lines, dw.orders, dw.accounts, counters, no_key restart identity cascade;
  truncate multidb.dual_write_outbox, multidb.dual_write_dead_letter;`;

export const BACKUP_TRUNCATE = `truncate dw.order_lines, dw.orders, dw.accounts, counters, no_key restart identity cascade;
  truncate multidb.dual_write_fence, multidb.dual_write_applied;`;

/** Reset between tests; the primary's `sql.raw` script runs through `exec` (several statements). */
export function resetSql(side: 'primary' | 'backup'): string {
  return side === 'primary' ? TRUNCATE : BACKUP_TRUNCATE;
}

export const sqlNow = sql`now()`;
