import { quoteIdentifier } from '@multidb/config';
import type { ColumnInfo } from '../catalog/catalog-types.js';

/** Key values as the database prints them (`::text`), in key order. */
export type KeyText = readonly string[];

/** `"a", "b"`; with an alias (`src.`) in ORDER BY, where a bare name would mean an output column. */
export const columnList = (names: readonly string[], alias = ''): string =>
  names.map((n) => `${alias}${quoteIdentifier(n)}`).join(', ');

/** `"a"::text, "b"::text`: values in their text form, the same on any driver. */
export const textSelectList = (columns: readonly ColumnInfo[], alias = ''): string =>
  columns.map((c) => `${alias}${quoteIdentifier(c.name)}::text`).join(', ');

/** `ROW("a", "b")`: the row in a fixed column order, for checksums and change detection. */
export const rowExpression = (names: readonly string[], alias = ''): string =>
  `ROW(${names.map((n) => `${alias}${quoteIdentifier(n)}`).join(', ')})`;

function castTypes(key: readonly string[], columns: readonly ColumnInfo[]): string[] {
  return key.map((k) => (columns.find((c) => c.name === k) as ColumnInfo).castType);
}

/**
 * `("a", "b") > ($n::t1, $n+1::t2)`: a row comparison the key's btree index serves (keyset pagination).
 * `op` is one of `>`, `>=`, `<`.
 */
export function keyCompare(
  key: readonly string[],
  columns: readonly ColumnInfo[],
  op: '>' | '>=' | '<',
  firstParam: number,
): string {
  const params = castTypes(key, columns).map((type, i) => `$${firstParam + i}::${type}`);
  return `(${columnList(key)}) ${op} (${params.join(', ')})`;
}

/** The same comparison with literal values, for `COPY (query)`, which takes no parameters. */
export function keyCompareLiteral(
  key: readonly string[],
  columns: readonly ColumnInfo[],
  op: '>' | '>=' | '<',
  values: KeyText,
  literal: (value: string) => string,
): string {
  const typed = castTypes(key, columns).map((type, i) => `${literal(values[i] as string)}::${type}`);
  return `(${columnList(key)}) ${op} (${typed.join(', ')})`;
}

/** A slice of a table in key order: after the last copied key, else from `lower` (inclusive), below `upper`. */
export interface KeySlice {
  readonly after: KeyText | undefined;
  readonly lower: KeyText | undefined;
  readonly upper: KeyText | undefined;
}

/** `WHERE ...` for a slice, with parameters from `$firstParam` (empty for the whole table). */
export function sliceWhere(
  key: readonly string[],
  columns: readonly ColumnInfo[],
  slice: KeySlice,
  firstParam = 1,
): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  const add = (op: '>' | '>=' | '<', values: KeyText) => {
    parts.push(keyCompare(key, columns, op, firstParam + params.length));
    params.push(...values);
  };
  if (slice.after) add('>', slice.after);
  else if (slice.lower) add('>=', slice.lower);
  if (slice.upper) add('<', slice.upper);
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The same with literal values, for `COPY (query)`, which takes no parameters. */
export function sliceWhereLiteral(
  key: readonly string[],
  columns: readonly ColumnInfo[],
  slice: KeySlice,
  literal: (value: string) => string,
): string {
  const parts: string[] = [];
  if (slice.after) parts.push(keyCompareLiteral(key, columns, '>', slice.after, literal));
  else if (slice.lower) parts.push(keyCompareLiteral(key, columns, '>=', slice.lower, literal));
  if (slice.upper) parts.push(keyCompareLiteral(key, columns, '<', slice.upper, literal));
  return parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '';
}

/** `(r->>0)::t0, (r->>1)::t1`: rows sent as one JSON array of arrays of text, cast by the receiving side. */
export const jsonRowSelect = (columns: readonly ColumnInfo[]): string =>
  columns.map((c, i) => `(r->>${i})::${c.castType}`).join(', ');

/** `(k1, k2) IN (keys sent as a JSON array of text arrays)`. */
export function keyInJson(key: readonly string[], columns: readonly ColumnInfo[], param: number): string {
  const casts = castTypes(key, columns)
    .map((type, i) => `(r->>${i})::${type}`)
    .join(', ');
  return `(${columnList(key)}) IN (SELECT ${casts} FROM json_array_elements($${param}::text::json) AS r)`;
}

/**
 * Idempotent upsert of text rows: `ON CONFLICT (key) DO UPDATE` with an explicit column list, updating only rows
 * whose content differs (compared in text form, which works for every type, json included), so a re-run writes
 * nothing. `source` is a `SELECT` producing the columns in order.
 */
export function upsertSql(
  table: string,
  columns: readonly ColumnInfo[],
  key: readonly string[],
  identity: boolean,
  source: string,
): string {
  const names = columns.map((c) => c.name);
  const rest = names.filter((n) => !key.includes(n));
  const overriding = identity ? ' OVERRIDING SYSTEM VALUE' : '';
  const conflict =
    rest.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${rest.map((n) => `${quoteIdentifier(n)} = EXCLUDED.${quoteIdentifier(n)}`).join(', ')}
         WHERE ${rowExpression(rest, 'tgt.')}::text IS DISTINCT FROM ${rowExpression(rest, 'EXCLUDED.')}::text`;
  return `INSERT INTO ${table} AS tgt (${columnList(names)})${overriding}
    ${source}
    ON CONFLICT (${columnList(key)}) ${conflict}`;
}
