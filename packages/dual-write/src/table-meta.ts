import { MultiDbError } from '@multidb/config';
import { getTableColumns, is } from 'drizzle-orm';
import { getTableConfig, type PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { ColumnNaming } from './capture/drizzle-internals.js';

export interface ColumnMeta {
  /** Property name in Drizzle rows. */
  readonly key: string;
  /** Column name in the database. */
  readonly dbName: string;
  /** SQL type as declared, array dimensions included (`jsonb[]`). */
  readonly sqlType: string;
  readonly column: PgColumn;
  /** `false` for `generatedAlwaysAs` columns: the backup computes them itself. */
  readonly insertable: boolean;
  /** `generatedAlwaysAsIdentity`: inserting needs `OVERRIDING SYSTEM VALUE`, updating is impossible. */
  readonly identityAlways: boolean;
}

/** What the backup needs to know about a table: its key, the columns it may write and its parents. */
export interface TableMeta {
  readonly table: PgTable;
  /** `schema.table` (schema `public` when none is set). */
  readonly name: string;
  readonly schema: string;
  readonly tableName: string;
  readonly columns: readonly ColumnMeta[];
  readonly primaryKey: readonly ColumnMeta[];
  /** Columns an upsert overwrites on conflict: insertable, not identity-always, not part of the key. */
  readonly updatable: readonly ColumnMeta[];
  readonly hasIdentityAlways: boolean;
  /** Qualified names of the tables this one references (itself excluded). */
  readonly parents: readonly string[];
  /** `schema.table:<key>`: the identity of one row across the queue, coalescing and the ledger. */
  entityKey(row: Readonly<Record<string, unknown>>): string;
  keyValues(row: Readonly<Record<string, unknown>>): unknown[];
}

const cache = new WeakMap<PgTable, TableMeta>();

const SCHEMA = Symbol.for('drizzle:Schema');
const ORIGINAL_NAME = Symbol.for('drizzle:OriginalName');
const IS_ALIAS = Symbol.for('drizzle:IsAlias');

export function qualifiedName(table: PgTable): string {
  const symbols = table as unknown as Record<symbol, string | undefined>;
  return `${symbols[SCHEMA] ?? 'public'}.${symbols[ORIGINAL_NAME]}`;
}

/**
 * Reads (once per table) the key and columns of a Drizzle table. A table without a primary key cannot be kept
 * equal on the backup (there is no way to tell which row an update or delete touched): that is an error here,
 * before anything is written.
 */
export function tableMeta(table: PgTable, naming: ColumnNaming): TableMeta {
  const cached = cache.get(table);
  if (cached) return cached;
  if ((table as unknown as Record<symbol, boolean>)[IS_ALIAS]) {
    throw new MultiDbError('UnsupportedMutation', 'writes through an aliased table are not captured', {
      table: qualifiedName(table),
    });
  }
  const config = getTableConfig(table);
  const name = qualifiedName(table);
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>).map(
    ([key, column]): ColumnMeta => ({
      key,
      dbName: naming.dbName(column),
      sqlType: naming.sqlType(column),
      column,
      // Drizzle's own rule (`shouldDisableInsert`): generated columns other than `byDefault` identities.
      insertable: column.generated === undefined || column.generated.type === 'byDefault',
      identityAlways: column.generatedIdentity?.type === 'always',
    }),
  );
  const byName = new Map(columns.map((c) => [c.column.name, c]));
  const inline = columns.filter((c) => c.column.primary);
  const composite = config.primaryKeys[0]?.columns.map((c) => byName.get(c.name)) ?? [];
  const primaryKey = inline.length > 0 ? inline : composite.filter((c): c is ColumnMeta => c !== undefined);
  if (primaryKey.length === 0) {
    throw new MultiDbError(
      'NoPrimaryKey',
      `table ${name} has no primary key: its writes cannot be applied to the backup by key. Add a primary key or list the table in \`ignoreTables\`.`,
      { table: name },
    );
  }
  const pkSet = new Set(primaryKey);
  const parents = new Set<string>();
  for (const fk of config.foreignKeys) {
    const parent = qualifiedName(fk.reference().foreignTable);
    if (parent !== name) parents.add(parent);
  }
  const keyValues = (row: Readonly<Record<string, unknown>>) => primaryKey.map((c) => row[c.key]);
  const meta: TableMeta = {
    table,
    name,
    schema: config.schema ?? 'public',
    tableName: config.name,
    columns,
    primaryKey,
    updatable: columns.filter((c) => c.insertable && !c.identityAlways && !pkSet.has(c)),
    hasIdentityAlways: columns.some((c) => c.identityAlways),
    parents: [...parents],
    keyValues,
    entityKey: (row) => `${name}:${encodeKey(keyValues(row))}`,
  };
  cache.set(table, meta);
  return meta;
}

/** Every Drizzle table found in a schema object (or a list), e.g. to check keys at setup. */
export function tablesOf(schema: Readonly<Record<string, unknown>> | readonly unknown[]): PgTable[] {
  const values = Array.isArray(schema) ? schema : Object.values(schema);
  return values.filter((value): value is PgTable => is(value, PgTable));
}

/** A stable text form of key values; distinguishes 1 from '1' and survives bigint, Date and bytes. */
export function encodeKey(values: readonly unknown[]): string {
  return values.map(encodeKeyPart).join(',');
}

function encodeKeyPart(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return `d${value.toISOString()}`;
  if (value instanceof Uint8Array) return `x${Buffer.from(value).toString('hex')}`;
  return JSON.stringify(value);
}
