import { type AnyPgDatabase, describeError, executeRows, type Logger } from '@multidb/config';
import type { BackupTarget, Step } from './change.js';

const REPLICATED_SQL = `select n.nspname || '.' || c.relname as name
  from pg_subscription_rel r join pg_class c on c.oid = r.srrelid join pg_namespace n on n.oid = c.relnamespace`;

const FIRST_READ_WAIT_MS = 2000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

export interface ReplicatedTablesOptions {
  readonly logger: Required<Logger>;
  readonly now: () => number;
  /** How often the backup's subscriptions are read again, in ms. Default 60 000. */
  readonly refreshMs?: number;
}

/**
 * One engine per table: a table the backup receives through PostgreSQL's logical replication (it belongs to a
 * subscription on the backup, `pg_subscription_rel`) is left to replication. Its steps are dropped before they
 * reach the backup, with one warning per table: applying them as well would race the subscription's own apply
 * (its INSERT of a row dual-write already wrote stops the subscription with a unique violation). The list is read
 * from the backup before the first apply and again every `refreshMs`; when it cannot be read, the last list read
 * stays in force (empty at first), and the apply goes on.
 */
export function skipReplicatedTables<R>(
  target: BackupTarget<R>,
  backup: AnyPgDatabase,
  options: ReplicatedTablesOptions,
): BackupTarget<R> {
  const refreshMs = options.refreshMs ?? 60_000;
  let replicated: ReadonlySet<string> = new Set();
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  const warned = new Set<string>();
  const refresh = async (): Promise<void> => {
    try {
      const rows = await executeRows<{ name: string }>(backup, REPLICATED_SQL);
      replicated = new Set(rows.map((row) => String(row.name)));
    } catch (error) {
      options.logger.debug('could not read the backup subscriptions; keeping the last list', {
        error: describeError(error),
      });
    }
    readAt = options.now();
  };
  return {
    async apply(steps, deadline, units) {
      if (options.now() - readAt >= refreshMs && reading === undefined) {
        const first = readAt === Number.NEGATIVE_INFINITY;
        reading = refresh().finally(() => {
          reading = undefined;
        });
        // Only the first read is waited for, and briefly: a backup that never answers must not hold the applies
        // (they have their own deadline); later reads refresh the list in the background.
        if (first) await Promise.race([reading, delay(FIRST_READ_WAIT_MS)]);
      }
      if (replicated.size === 0) return target.apply(steps, deadline, units);
      const kept: Step<R>[] = [];
      for (const step of steps) {
        const name = `${step.table.schema}.${step.table.tableName}`;
        if (!replicated.has(name)) {
          kept.push(step);
          continue;
        }
        if (!warned.has(name)) {
          warned.add(name);
          options.logger.warn(
            'table is replicated to the backup by logical replication: dual-write leaves it to the subscription (list it in ignoreTables to stop capturing it)',
            { table: name },
          );
        }
      }
      if (kept.length > 0) await target.apply(kept, deadline, units);
    },
  };
}
