import { quoteIdentifier } from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import { extractUsedTable } from 'drizzle-orm/pg-core';
import type { ChangeOp } from '../apply/change.js';
import { reusableStatementName } from '../apply/run-query.js';
import type { ColumnMeta, TableMeta } from '../table-meta.js';
import type { BoundCaptureContext, CapturedRow } from './capture-context.js';
import { builderInternals, mapResultRow, type OrderedField } from './drizzle-internals.js';
import { noReturningResult } from './no-returning-result.js';
import { withOutbox } from './outbox-statement.js';
import { EXACT_SQL, keyArraySql, rowObjectSql, VERSION_SQL } from './row-text.js';

export type MutationKind = 'insert' | 'update' | 'delete';

const hiddenColumnsCache = new WeakMap<TableMeta, OrderedField[]>();
const hiddenTextCache = new WeakMap<TableMeta, OrderedField[]>();

/** Durable mode: every column of the table after the caller's list (positions, not names, tell them apart). */
function hiddenColumns(meta: TableMeta): OrderedField[] {
  let fields = hiddenColumnsCache.get(meta);
  if (fields === undefined) {
    fields = meta.columns.map((c, i) => ({ path: [`__mdb_c${i}`], field: c.column }));
    hiddenColumnsCache.set(meta, fields);
  }
  return fields;
}

/**
 * Memory mode: four values after the caller's list, all computed by the primary — the row as JSON of exact
 * texts, its key, its commit-order version, and whether the session's settings print values exactly (see
 * `row-text.ts`).
 */
function hiddenTexts(meta: TableMeta): OrderedField[] {
  let fields = hiddenTextCache.get(meta);
  if (fields === undefined) {
    // The target table is referenced by its own name: mutations through the wrapper are never aliased.
    const ref = (c: ColumnMeta) => `${quoteIdentifier(meta.tableName)}.${quoteIdentifier(c.dbName)}`;
    fields = [
      { path: ['__mdb_row'], field: sql.raw(`(${rowObjectSql(meta, ref)})::text`) },
      { path: ['__mdb_key'], field: sql.raw(`(${keyArraySql(meta, ref)})::text`) },
      { path: ['__mdb_version'], field: sql.raw(VERSION_SQL) },
      { path: ['__mdb_exact'], field: sql.raw(EXACT_SQL) },
    ];
    hiddenTextCache.set(meta, fields);
  }
  return fields;
}

/** The captured rows of a memory-mode statement, from the raw result rows and the position of the hidden part. */
function capturedRows(rows: readonly unknown[][], offset: number): CapturedRow[] {
  const out: CapturedRow[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i] as unknown[];
    out[i] = {
      row: String(raw[offset]),
      key: String(raw[offset + 1]),
      version: Number(raw[offset + 2]),
      exact: raw[offset + 3] === true || raw[offset + 3] === 't',
    };
  }
  return out;
}

/**
 * Replaces a mutation builder's `_prepare` (the one path behind `await`, `.execute()` and `.prepare()`): the
 * statement runs with the caller's `returning` list (if any) followed by hidden values. The raw result rows are
 * split: the caller's part goes through Drizzle's own row mapping (or becomes the driver's no-returning result);
 * in memory mode the hidden part is the backup's copy of the row as the primary's own text, its key and its
 * commit-order version. In durable mode the hidden part is every column, which the same statement writes to the
 * outbox as exact text; only the caller's part travels back.
 */
export function capturedPrepare(
  builder: unknown,
  originalGetSQL: () => SQL,
  name: string | undefined,
  kind: MutationKind,
  meta: TableMeta,
  context: BoundCaptureContext,
): unknown {
  const b = builderInternals(builder);
  const callerFields = b.config.returning;
  const hidden = context.mode === 'memory' ? hiddenTexts(meta) : hiddenColumns(meta);
  const op: ChangeOp = kind === 'delete' ? 'delete' : 'upsert';
  b.config.returning = [...(callerFields ?? []), ...hidden];
  let statement: SQL;
  try {
    statement = originalGetSQL.call(builder);
  } finally {
    b.config.returning = callerFields;
  }
  if (context.mode === 'durable') {
    statement = withOutbox(statement, meta, op, context.outbox, callerFields?.length ?? 0);
  }
  const offset = callerFields?.length ?? 0;
  const joins = b.joinsNotNullableMap;
  const mapper = (rows: unknown[][]) => {
    if (context.mode === 'memory') {
      context.record(meta, op, capturedRows(rows, offset));
    } else if (rows.length > 0) context.wroteOutbox();
    if (callerFields === undefined) return noReturningResult(rows, kind, context.database);
    return rows.map((raw) => mapResultRow(callerFields, raw, joins));
  };
  const query = b.dialect.sqlToQuery(statement);
  const prepared = b.session.prepareQuery(
    query,
    undefined,
    // The capture's extra RETURNING (and durable mode's two CTEs) cost more to plan than to run: prepared where
    // the driver allows (postgres.js unless `prepare: false`, node-postgres), once per connection and statement
    // text. Named after the text even when the caller named it (`.prepare('x')`): node-postgres honours names,
    // and the caller's name may already be prepared on that connection for the statement without the capture.
    reusableStatementName(context.database, query.sql) ?? name,
    true,
    mapper as never,
    { type: kind, tables: extractUsedTable(meta.table) },
    b.cacheConfig as never,
  );
  return context.mode === 'memory' ? context.tracked(prepared) : prepared;
}
