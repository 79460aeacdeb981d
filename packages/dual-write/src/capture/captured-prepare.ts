import { quoteIdentifier } from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import type { ChangeOp } from '../apply/change.js';
import { reusableStatementName } from '../apply/run-query.js';
import type { ColumnMeta, TableMeta } from '../table-meta.js';
import type { BoundCaptureContext, CapturedRow } from './capture-context.js';
import { builderInternals, drizzleInternals, type OrderedField } from './drizzle-internals.js';
import { noReturningResult } from './no-returning-result.js';
import { withOutbox } from './outbox-statement.js';
import { EXACT_SQL, keyArraySql, rowObjectSql, VERSION_SQL } from './row-text.js';

export type MutationKind = 'insert' | 'update' | 'delete';

const hiddenColumnsCache = new WeakMap<TableMeta, OrderedField[]>();
const hiddenTextCache = new WeakMap<TableMeta, OrderedField[]>();

/**
 * Durable mode: every column of the table after the caller's list (positions, not names, tell them apart). Each
 * is `sql\`${column}\``, not the column itself: Drizzle prints it the same (`"col"`), but a codec of drizzle-orm
 * 1.0 never casts it (PGlite's bigint would arrive as text and change the outbox's entity key).
 */
function hiddenColumns(meta: TableMeta, dialect: PgDialect): OrderedField[] {
  let fields = hiddenColumnsCache.get(meta);
  if (fields === undefined) {
    const selection: Record<string, unknown> = {};
    meta.columns.forEach((c, i) => {
      selection[`__mdb_c${i}`] = sql`${c.column}`;
    });
    fields = drizzleInternals().orderFields(selection, dialect);
    hiddenColumnsCache.set(meta, fields);
  }
  return fields;
}

/**
 * Memory mode: four values after the caller's list, all computed by the primary — the row as JSON of exact
 * texts, its key, its commit-order version, and whether the session's settings print values exactly (see
 * `row-text.ts`).
 */
function hiddenTexts(meta: TableMeta, dialect: PgDialect): OrderedField[] {
  let fields = hiddenTextCache.get(meta);
  if (fields === undefined) {
    // The target table is referenced by its own name: mutations through the wrapper are never aliased.
    const ref = (c: ColumnMeta) => `${quoteIdentifier(meta.tableName)}.${quoteIdentifier(c.dbName)}`;
    fields = drizzleInternals().orderFields(
      {
        __mdb_row: sql.raw(`(${rowObjectSql(meta, ref)})::text`),
        __mdb_key: sql.raw(`(${keyArraySql(meta, ref)})::text`),
        __mdb_version: sql.raw(VERSION_SQL),
        __mdb_exact: sql.raw(EXACT_SQL),
      },
      dialect,
    );
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
  originalGetSQL: (this: unknown, ...args: unknown[]) => SQL,
  name: string | boolean | undefined,
  kind: MutationKind,
  meta: TableMeta,
  context: BoundCaptureContext,
): unknown {
  const internals = drizzleInternals();
  const b = builderInternals(builder);
  const callerFields = b.config.returning;
  const hidden = context.mode === 'memory' ? hiddenTexts(meta, b.dialect) : hiddenColumns(meta, b.dialect);
  const op: ChangeOp = kind === 'delete' ? 'delete' : 'upsert';
  b.config.returning = [...(callerFields ?? []), ...hidden];
  let statement: SQL;
  try {
    statement = internals.statementSql(b, originalGetSQL);
  } finally {
    b.config.returning = callerFields;
  }
  if (context.mode === 'durable') {
    statement = withOutbox(statement, meta, op, context.outbox, callerFields?.length ?? 0);
  }
  const offset = callerFields?.length ?? 0;
  const callerRows = callerFields === undefined ? undefined : internals.rowsMapper(b, callerFields);
  const mapper = (rows: unknown[][]) => {
    if (context.mode === 'memory') {
      context.record(meta, op, capturedRows(rows, offset));
    } else if (rows.length > 0) context.wroteOutbox();
    if (callerRows === undefined) return noReturningResult(rows, kind, context.database);
    return callerRows(rows);
  };
  const query = b.dialect.sqlToQuery(statement);
  const prepared = internals.prepareArrays(
    b,
    query,
    // The capture's extra RETURNING (and durable mode's two CTEs) cost more to plan than to run: prepared where
    // the driver allows (postgres.js unless `prepare: false`, node-postgres), once per connection and statement
    // text. Named after the text even when the caller named it (`.prepare('x')`): node-postgres honours names,
    // and the caller's name may already be prepared on that connection for the statement without the capture.
    reusableStatementName(context.database, query.sql) ?? name,
    mapper,
    kind,
  );
  return context.mode === 'memory' ? context.tracked(prepared) : prepared;
}
