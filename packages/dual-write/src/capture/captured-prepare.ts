import type { SQL } from 'drizzle-orm';
import { extractUsedTable } from 'drizzle-orm/pg-core';
import type { ChangeOp } from '../apply/change.js';
import type { Row } from '../apply/drizzle-target.js';
import { reusableStatementName } from '../apply/run-query.js';
import { backupValue } from '../apply/verbatim.js';
import type { TableMeta } from '../table-meta.js';
import type { CaptureContext } from './capture-context.js';
import { builderInternals, mapResultRow, type OrderedField, sessionKind } from './drizzle-internals.js';
import { noReturningResult } from './no-returning-result.js';
import { withOutbox } from './outbox-statement.js';

export type MutationKind = 'insert' | 'update' | 'delete';

const hiddenFieldsCache = new WeakMap<TableMeta, OrderedField[]>();

/** Every column of the table, after the caller's list (positions, not names, tell them apart). */
function hiddenColumns(meta: TableMeta): OrderedField[] {
  let fields = hiddenFieldsCache.get(meta);
  if (fields === undefined) {
    fields = meta.columns.map((c, i) => ({ path: [`__mdb_c${i}`], field: c.column }));
    hiddenFieldsCache.set(meta, fields);
  }
  return fields;
}

/** The caller asked for the whole row (`.returning()`): its own columns are the backup's copy, no extra ones. */
function isWholeRow(fields: readonly OrderedField[] | undefined, meta: TableMeta): boolean {
  if (fields === undefined || fields.length !== meta.columns.length) return false;
  return fields.every((f, i) => f.path.length === 1 && f.field === meta.columns[i]?.column);
}

/**
 * The backup's copy of a row from the raw driver values. A decoded value that IS the driver's object (a JSON
 * value the driver parsed, bytes) is shared with the caller's result, so it is copied: a caller mutating its
 * result cannot change what the backup gets. Values decoded into new objects are not shared and not copied.
 */
function decodeRow(meta: TableMeta, raw: readonly unknown[], offset: number, shared: boolean): Row {
  const row: Row = {};
  const columns = meta.columns;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as (typeof columns)[number];
    const value = raw[offset + i];
    if (value === null || value === undefined) row[c.key] = null;
    else {
      const decoded = backupValue(c.column, value);
      row[c.key] = shared && decoded === value && typeof decoded === 'object' ? copyValue(decoded) : decoded;
    }
  }
  return row;
}

/**
 * A deep copy of a driver value: JSON data, arrays, bytes, dates. Much cheaper than `structuredClone` for the small
 * values rows hold (it was most of the capture's cost per row); anything else falls back to it.
 */
export function copyValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyValue);
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Uint8Array) return value.slice();
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyValue((value as Record<string, unknown>)[key]);
  return copy;
}

/**
 * Replaces a mutation builder's `_prepare` (the one path behind `await`, `.execute()` and `.prepare()`): the
 * statement runs with the caller's `returning` list (if any) followed by hidden columns holding the full row.
 * The raw result rows are split: the caller's part goes through Drizzle's own row mapping (or becomes the
 * driver's no-returning result), the hidden part is the backup's copy of the row, decoded by the same columns.
 * In durable mode the statement also writes the hidden part to the outbox and returns only the caller's part.
 */
export function capturedPrepare(
  builder: unknown,
  originalGetSQL: () => SQL,
  name: string | undefined,
  kind: MutationKind,
  meta: TableMeta,
  context: CaptureContext,
): unknown {
  const b = builderInternals(builder);
  const callerFields = b.config.returning;
  const wholeRow = context.mode === 'memory' && isWholeRow(callerFields, meta);
  const hidden = wholeRow ? [] : hiddenColumns(meta);
  const op: ChangeOp = kind === 'delete' ? 'delete' : 'upsert';
  b.config.returning = hidden.length === 0 ? callerFields : [...(callerFields ?? []), ...hidden];
  let statement: SQL;
  try {
    statement = originalGetSQL.call(builder);
  } finally {
    b.config.returning = callerFields;
  }
  if (context.mode === 'durable') {
    statement = withOutbox(statement, meta, op, context.outbox, callerFields?.length ?? 0);
  }
  const offset = wholeRow ? 0 : (callerFields?.length ?? 0);
  const joins = b.joinsNotNullableMap;
  const driver = sessionKind(b.session);
  const mapper = (rows: unknown[][]) => {
    if (context.mode === 'memory') {
      context.record(
        meta,
        op,
        rows.map((raw) => decodeRow(meta, raw, offset, wholeRow)),
      );
    } else if (rows.length > 0) context.wroteOutbox();
    if (callerFields === undefined) return noReturningResult(rows, kind, driver);
    return rows.map((raw) => mapResultRow(callerFields, raw, joins));
  };
  const query = b.dialect.sqlToQuery(statement);
  return b.session.prepareQuery(
    query,
    undefined,
    // Durable statements (two CTEs) cost more to plan than to run: prepared where the driver allows.
    name ?? (context.mode === 'durable' ? reusableStatementName(b.session, query.sql) : undefined),
    true,
    mapper as never,
    { type: kind, tables: extractUsedTable(meta.table) },
    b.cacheConfig as never,
  );
}
