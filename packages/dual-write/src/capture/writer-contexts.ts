import { describeError } from '@multidb/config';
import type { Change } from '../apply/change.js';
import type { Row } from '../apply/drizzle-target.js';
import type { DualWriteLogger } from '../logger.js';
import type { OutboxNames } from '../outbox/outbox-schema.js';
import type { BackupQueue } from '../queue/backup-queue.js';
import type { TableRegistry } from '../table-registry.js';
import type { CaptureContext } from './capture-context.js';
import type { TransactionScope } from './transaction-scope.js';

interface Shared {
  readonly registry: TableRegistry;
  readonly outbox: OutboxNames;
  readonly logger: Required<DualWriteLogger>;
}

/** Memory mode: a statement's rows go to the queue, or to the open transaction's scope until it commits. */
export function memoryContext(shared: Shared, queue: BackupQueue, scope?: TransactionScope): CaptureContext {
  return {
    mode: 'memory',
    outbox: shared.outbox,
    meta: (table) => shared.registry.meta(table),
    record(table, op, rows) {
      try {
        const changes: Change<Row>[] = rows.map((row) => ({ table, op, key: table.entityKey(row), row }));
        if (scope) scope.add(changes);
        else queue.enqueue(changes);
      } catch (error) {
        // Never reaches the caller: its write succeeded. Logged loudly instead.
        shared.logger.error('could not capture rows for the backup', {
          table: table.name,
          error: describeError(error),
        });
      }
    },
    wroteOutbox() {},
    within: (inner) => memoryContext(shared, queue, inner),
    committed: (root) => queue.enqueue(root.committedChanges()),
  };
}

/** Durable mode: rows are already in the outbox (same statement); only the local drainer is nudged. */
export function durableContext(shared: Shared, nudge: () => void, inTransaction = false): CaptureContext {
  return {
    mode: 'durable',
    outbox: shared.outbox,
    meta: (table) => shared.registry.meta(table),
    record() {},
    wroteOutbox() {
      if (!inTransaction) nudge();
    },
    within: () => durableContext(shared, nudge, true),
    committed: () => nudge(),
  };
}
