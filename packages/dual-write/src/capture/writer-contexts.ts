import { describeError, type Logger } from '@multidb/config';
import type { Change } from '../apply/change.js';
import type { OutboxNames } from '../outbox/outbox-schema.js';
import type { BackupQueue } from '../queue/backup-queue.js';
import type { TableRegistry } from '../table-registry.js';
import type { CaptureContext } from './capture-context.js';
import type { CommitOrder } from './commit-order.js';
import type { TransactionScope } from './transaction-scope.js';

interface Shared {
  readonly registry: TableRegistry;
  readonly outbox: OutboxNames;
  readonly logger: Required<Logger>;
}

interface Executable {
  execute(...args: unknown[]): Promise<unknown>;
}

/** Memory mode: a statement's rows go to the queue, or to the open transaction's scope until it commits. */
export function memoryContext(
  shared: Shared,
  queue: BackupQueue,
  order: CommitOrder,
  scope?: TransactionScope,
): CaptureContext {
  return {
    mode: 'memory',
    outbox: shared.outbox,
    meta: (table) => shared.registry.meta(table),
    record(table, op, rows) {
      try {
        let low = Number.POSITIVE_INFINITY;
        let high = 0;
        const changes: Change<string>[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const captured = rows[i] as (typeof rows)[number];
          if (captured.version < low) low = captured.version;
          if (captured.version > high) high = captured.version;
          const key = `${table.name}:${captured.key}`;
          changes[i] = captured.exact
            ? { table, op, key, row: captured.row }
            : { table, op, key, row: captured.row, inexact: true };
        }
        if (rows.length === 0) return;
        order.seen(high);
        if (scope) scope.add(changes, low, high);
        else queue.enqueue(changes, { version: high });
      } catch (error) {
        // Never reaches the caller: its write succeeded. Logged loudly instead.
        shared.logger.error('could not capture rows for the backup', {
          table: table.name,
          error: describeError(error),
        });
      }
    },
    tracked(prepared) {
      // Inside a transaction the COMMIT is what is registered (see `committing`).
      if (scope !== undefined) return prepared;
      const target = prepared as unknown as Executable;
      const execute = target.execute;
      target.execute = function (this: unknown, ...args: unknown[]) {
        const token = order.begin();
        let settled: Promise<unknown>;
        try {
          settled = execute.apply(this, args);
        } catch (error) {
          order.end(token);
          throw error;
        }
        // The rows are recorded by the result mapper, inside `execute`: ending after it settles keeps them held.
        settled.then(
          () => order.end(token),
          () => order.end(token),
        );
        return settled;
      };
      return prepared;
    },
    wroteOutbox() {},
    within: (inner) => memoryContext(shared, queue, order, inner),
    committing(root) {
      const low = root.lowestVersion();
      const token = low === undefined ? undefined : order.begin(low - 1);
      return (committed) => {
        if (committed) {
          const { changes, high } = root.committed();
          // A transaction's unit is late only if its COMMIT stopped holding the watermark. Its version may well be
          // below what the queue already applied (autocommit units of OTHER rows are not held by an open
          // transaction), but no unit touching ITS rows can have been: another writer of a locked row gets a
          // higher version, and its statement cannot settle before this COMMIT, which holds the watermark below
          // it. Re-reading such a unit would only race the writers after it (see `primary-reread.ts`).
          if (changes.length > 0) {
            queue.enqueue(changes, {
              version: high,
              lateCheck: token === undefined || order.expired(token),
            });
          }
        }
        if (token !== undefined) order.end(token);
      };
    },
  };
}

/** Durable mode: rows are already in the outbox (same statement); only the local drainer is nudged. */
export function durableContext(shared: Shared, nudge: () => void, inTransaction = false): CaptureContext {
  return {
    mode: 'durable',
    outbox: shared.outbox,
    meta: (table) => shared.registry.meta(table),
    record() {},
    tracked: (prepared) => prepared,
    wroteOutbox() {
      if (!inTransaction) nudge();
    },
    within: () => durableContext(shared, nudge, true),
    committing: () => (committed) => {
      if (committed) nudge();
    },
  };
}
