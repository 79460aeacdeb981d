import { quoteLiteral } from '@multidb/config';
import type { ColumnMeta, TableMeta } from '../table-meta.js';

/**
 * The backup's copy of a row is built by the PRIMARY, as text, in the statement that wrote it: every value is
 * the server's own output of its type (`col::text`), collected into a JSON object keyed by column name. The
 * backup turns each string back into its column's type with the same type's input function. No value goes
 * through JavaScript, so nothing can change on the way (numbers inside jsonb, bigint, numeric, `-0`, `NaN`, NULL
 * elements and quoting inside arrays, bytea, microseconds, ranges, ...).
 *
 * Two session settings change what that text says: a `DateStyle` other than ISO (dates inside any type; read back
 * in the wrong order on the backup) and `extra_float_digits` below 1 (floats rounded). The statement reports them
 * with each row (`EXACT_SQL`); rows written under them are re-read from the primary with fixed settings instead.
 */
export function exactText(value: string, _column: ColumnMeta): string {
  return `(${value})::text`;
}

/** True when the writing session's settings print every value exactly (see `exactText`). */
export const EXACT_SQL = `(current_setting('DateStyle') like 'ISO%' and current_setting('extra_float_digits')::int >= 1)`;

/** Settings under which the toolkit itself reads rows as text (re-reads): ISO dates, shortest-exact floats. */
export const EXACT_SETTINGS: readonly (readonly [string, string])[] = [
  ['DateStyle', 'ISO, YMD'],
  ['extra_float_digits', '3'],
  ['IntervalStyle', 'postgres'],
  ['bytea_output', 'hex'],
];

/** Key a durable-mode row carries when its texts were printed under inexact settings (see `EXACT_SQL`). */
export const INEXACT_MARK = '__mdb_inexact';

// jsonb_build_object/jsonb_build_array take at most 100 arguments: 50 pairs (100 keys) per call, chained with `||`.
const PAIRS_PER_CALL = 50;

/** `jsonb_build_object('c1', <c1 as text>, …)`: the whole row as JSON of exact texts (see `exactText`). */
export function rowObjectSql(meta: TableMeta, value: (column: ColumnMeta, index: number) => string): string {
  const calls: string[] = [];
  for (let start = 0; start < meta.columns.length; start += PAIRS_PER_CALL) {
    const pairs = meta.columns
      .slice(start, start + PAIRS_PER_CALL)
      .map((c, i) => `${quoteLiteral(c.dbName)}::text, ${exactText(value(c, start + i), c)}`);
    calls.push(`jsonb_build_object(${pairs.join(', ')})`);
  }
  return calls.length === 0 ? `'{}'::jsonb` : calls.join(' || ');
}

/** `jsonb_build_array(<k1 as text>, …)`: the row's identity, exact (the same texts as in its row object). */
export function keyArraySql(meta: TableMeta, value: (column: ColumnMeta) => string): string {
  const parts: string[] = [];
  for (let start = 0; start < meta.primaryKey.length; start += 2 * PAIRS_PER_CALL) {
    const items = meta.primaryKey.slice(start, start + 2 * PAIRS_PER_CALL).map((c) => exactText(value(c), c));
    parts.push(`jsonb_build_array(${items.join(', ')})`);
  }
  return parts.join(' || ');
}

/**
 * A commit-order version for the rows a statement returns: the primary's WAL insert position, read while the
 * row is locked by the writing transaction. Any later writer of the same row waits for that transaction's commit
 * record, so its own position is higher: for one row, versions follow commit order, whatever order the results
 * reach JavaScript in across pool connections.
 */
export const VERSION_SQL = `(pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::text`;
