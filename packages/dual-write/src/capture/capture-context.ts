import type { PgTable } from 'drizzle-orm/pg-core';
import type { ChangeOp } from '../apply/change.js';
import type { Row } from '../apply/drizzle-target.js';
import type { OutboxNames } from '../outbox/outbox-schema.js';
import type { TableMeta } from '../table-meta.js';
import type { TransactionScope } from './transaction-scope.js';

/** What the wrapped database tells the writer. One per wrapped database or transaction scope. */
export interface CaptureContext {
  readonly mode: 'memory' | 'durable';
  readonly outbox: OutboxNames;
  /** The table's key and columns; `undefined` when the table is not backed up. Throws `NoPrimaryKey`. */
  meta(table: PgTable): TableMeta | undefined;
  /** Memory mode: the full rows one successful statement returned. Never throws. */
  record(table: TableMeta, op: ChangeOp, rows: Row[]): void;
  /** Durable mode: a statement wrote outbox rows (committed, or part of the open transaction). */
  wroteOutbox(): void;
  /** The context for statements inside a transaction or savepoint. */
  within(scope: TransactionScope): CaptureContext;
  /** The outermost transaction committed. */
  committed(scope: TransactionScope): void;
}
