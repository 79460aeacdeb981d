import type { AnyPgDatabase } from '@multidb/config';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { ChangeOp } from '../apply/change.js';
import type { OutboxNames } from '../outbox/outbox-schema.js';
import type { TableMeta } from '../table-meta.js';
import type { TransactionScope } from './transaction-scope.js';

/** Memory mode: one row a statement returned, as the primary built it (see `row-text.ts`). */
export interface CapturedRow {
  /** JSON object of the row's exact column texts, keyed by column name. */
  readonly row: string;
  /** JSON array of the key's exact texts. */
  readonly key: string;
  /** Commit-order version (the primary's WAL insert position while the row was locked). */
  readonly version: number;
  /** `false`: the writing session's settings (DateStyle, extra_float_digits) made the texts inexact. */
  readonly exact: boolean;
}

/** What the wrapped database tells the writer. One per wrapped database or transaction scope. */
export interface CaptureContext {
  readonly mode: 'memory' | 'durable';
  readonly outbox: OutboxNames;
  /** The table's key and columns; `undefined` when the table is not backed up. Throws `NoPrimaryKey`. */
  meta(table: PgTable): TableMeta | undefined;
  /** Memory mode: the rows one successful statement returned. Never throws. */
  record(table: TableMeta, op: ChangeOp, rows: readonly CapturedRow[]): void;
  /**
   * Memory mode: the prepared statement, with its executions registered as in flight until their rows are
   * recorded (the queue applies nothing a statement still running could precede; see `commit-order.ts`).
   */
  tracked<P extends object>(prepared: P): P;
  /** Durable mode: a statement wrote outbox rows (committed, or part of the open transaction). */
  wroteOutbox(): void;
  /** The context for statements inside a transaction or savepoint. */
  within(scope: TransactionScope): CaptureContext;
  /** The outermost transaction is about to commit: returns what to call once the COMMIT settled (ok or not). */
  committing(scope: TransactionScope): (committed: boolean) => void;
}

/** A context bound to the database it captures for (the one `withBackup` wrapped): its driver shapes results. */
export interface BoundCaptureContext extends CaptureContext {
  /** The wrapped database; `driverOf` it (behind a router: the primary's driver). */
  readonly database: AnyPgDatabase;
  within(scope: TransactionScope): BoundCaptureContext;
}

export function bindContext(context: CaptureContext, database: AnyPgDatabase): BoundCaptureContext {
  return { ...context, database, within: (scope) => bindContext(context.within(scope), database) };
}
