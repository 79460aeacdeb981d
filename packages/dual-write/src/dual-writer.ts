import { type AnyPgDatabase, describeError, MultiDbError } from '@multidb/config';
import type { PgTable } from 'drizzle-orm/pg-core';
import { defaultApplyTimeoutMs, withApplyDeadline } from './apply/apply-deadline.js';
import type { Change } from './apply/change.js';
import { jsonRowsTarget } from './apply/json-rows-target.js';
import { CommitOrder } from './capture/commit-order.js';
import { wrapDatabase } from './capture/wrap-database.js';
import { durableContext, memoryContext } from './capture/writer-contexts.js';
import { type DualWriteLogger, redactingLogger, silentLogger } from './logger.js';
import { OutboxDrainer, type OutboxDrainerOptions } from './outbox/outbox-drainer.js';
import { OutboxGauge } from './outbox/outbox-gauge.js';
import { outboxNames } from './outbox/outbox-schema.js';
import { OutboxStore } from './outbox/outbox-store.js';
import { BackupQueue } from './queue/backup-queue.js';
import { type DeadLetter, DeadLetterStore } from './queue/dead-letters.js';
import { type DualWriteMetrics, MetricCounters } from './queue/metrics.js';
import { keyText, type LedgerSummary, OverflowLedger } from './queue/overflow-ledger.js';
import { type RepairReport, repairFromPrimary } from './queue/repair.js';
import { rereadChanges } from './queue/reread-rows.js';
import { RetryPolicy, realTiming, type Timing } from './queue/retry-policy.js';
import { TableRegistry } from './table-registry.js';

export interface DualWriterOptions {
  /** The backup database (any Drizzle Postgres database; give it a bounded `connectTimeout`). */
  readonly backup: AnyPgDatabase;
  /** The unwrapped primary: repairs re-read rows from it, dead letters and the outbox live in it. */
  readonly primary?: AnyPgDatabase;
  /** `memory` (default): an in-process queue. `durable`: an outbox table written in the same statement. */
  readonly mode?: 'memory' | 'durable';
  /** The Drizzle schema (object or list of tables): keys are checked now, and the drainer knows every table. */
  readonly schema?: Readonly<Record<string, unknown>> | readonly unknown[];
  /** Tables not copied to the backup (`schema.table`, or the Drizzle table). */
  readonly ignoreTables?: readonly (PgTable | string)[];
  /** Most rows queued in memory before new ones go to the overflow ledger. Default 10 000. */
  readonly maxDepth?: number;
  /** Rows per backup transaction. Default 500. */
  readonly batchSize?: number;
  /** How long a not-yet-full batch may wait for more rows before it is applied (backup lag vs. load). Default 5 ms. */
  readonly lingerMs?: number;
  /** Delays between the tries of rejected rows before they are dead-lettered. Default [100, 500, 2000]. */
  readonly retryDelaysMs?: readonly number[];
  /**
   * `statement_timeout`/`lock_timeout` set in every backup transaction (costs a round trip per batch). Default:
   * none here; prefer setting them on the backup connection (e.g. postgres.js `connection: { statement_timeout }`).
   */
  readonly statementTimeoutMs?: number;
  /**
   * Client-side bound of one backup batch, in ms: past it the batch is abandoned as `BackupTimeout` (its rows are
   * held and retried) and its transaction is fenced so it cannot commit late. This is what notices a backup that
   * accepts connections but never answers. Default `statementTimeoutMs + 5000`, or 30 000; 0 disables it.
   */
  readonly applyTimeoutMs?: number;
  /**
   * Memory mode: how long a statement still running may hold back the backup's apply of rows committed after it
   * started (commit order, see the README), in ms. Past it, what the statement returns is re-read from the
   * primary (given `primary`) instead of applied as captured. Default 30 000.
   */
  readonly maxOrderWaitMs?: number;
  /** Dead letters kept in memory (older ones go to the overflow ledger). Default 1000. */
  readonly maxDeadLetters?: number;
  /** Distinct keys the overflow ledger keeps before flagging a table for a full sync. Default 100 000. */
  readonly maxOverflowKeys?: number;
  /** Memory mode: also record dead letters in the primary's dead-letter table (see `ensureOutbox`). */
  readonly deadLetterTable?: boolean;
  /** Schema of the outbox and dead-letter tables. Default `multidb`. */
  readonly outboxSchema?: string;
  /** Durable mode: run a drainer in this process (default true). Several processes may; one leads. */
  readonly drainer?: boolean | Partial<Omit<OutboxDrainerOptions, 'primary' | 'backup' | 'tables'>>;
  /**
   * Durable mode: how often `metrics()` reads the outbox depth and lag from the primary (one cheap statement, in
   * every process with a writer, draining or not). Default 1000 ms; 0 stops the refresh.
   */
  readonly depthRefreshMs?: number;
  readonly logger?: DualWriteLogger;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The backup side of one or more wrapped databases: queue (or outbox drainer), metrics, repair. */
export interface DualWriter {
  readonly mode: 'memory' | 'durable';
  /** A wrapped database: same type and prototype, every mutation captured for the backup. */
  wrap<TDb extends AnyPgDatabase>(db: TDb): TDb;
  /** Resolves `true` once everything captured before the call reached the backup (or was dead-lettered). */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Graceful shutdown: flush, then stop (later rows go to the overflow ledger) and stop the drainer. */
  drain(timeoutMs?: number): Promise<boolean>;
  metrics(): DualWriteMetrics;
  deadLetters(): readonly DeadLetter[];
  overflow(): LedgerSummary;
  /** Re-reads every overflowed row from the primary and applies its current state; waits for it. */
  repairOverflow(timeoutMs?: number): Promise<RepairReport>;
  /** Re-reads the rows of every dead letter from the primary and applies their current state. */
  retryDeadLetters(timeoutMs?: number): Promise<RepairReport>;
  /** Durable mode: the drainer running in this process, if any. */
  readonly drainer: OutboxDrainer | undefined;
}

const DEFAULT_LINGER_MS = 5;

export function createDualWriter(options: DualWriterOptions): DualWriter {
  const mode = options.mode ?? 'memory';
  if (mode !== 'memory' && mode !== 'durable') {
    throw new MultiDbError('InvalidConfig', `mode must be 'memory' or 'durable', got ${String(mode)}`);
  }
  const logger = redactingLogger(options.logger ?? silentLogger);
  const timing: Timing = { now: options.clock ?? realTiming.now, sleep: options.sleep ?? realTiming.sleep };
  const names = outboxNames(options.outboxSchema);
  const registry = new TableRegistry({
    schema: options.schema,
    ignoreTables: [...(options.ignoreTables ?? []), `${names.schema}.${names.outbox}`],
    casingFrom: options.primary,
  });
  const shared = { registry, outbox: names, logger };
  return mode === 'durable' ? durableWriter(options, shared, timing) : memoryWriter(options, shared, timing);
}

type Shared = Parameters<typeof memoryContext>[0] & { registry: TableRegistry };

function memoryWriter(options: DualWriterOptions, shared: Shared, timing: Timing): DualWriter {
  const metrics = new MetricCounters();
  const ledger = new OverflowLedger(options.maxOverflowKeys ?? 100_000);
  const deadLetters = new DeadLetterStore({
    max: options.maxDeadLetters ?? 1000,
    table:
      options.deadLetterTable && options.primary ? { db: options.primary, names: shared.outbox } : undefined,
    logger: shared.logger,
    now: timing.now,
    onEvict: (letter) => ledger.record(letter.changes),
  });
  const order = new CommitOrder({ now: timing.now, maxWaitMs: options.maxOrderWaitMs ?? 30_000 });
  let queue: BackupQueue;
  // Re-reads in progress: `flush()` waits for them too (their rows were captured before the call).
  const rereads = new Set<Promise<void>>();
  const reread = (changes: readonly Change<string>[]) => {
    const done = rereadFromPrimary(options.primary as AnyPgDatabase, queue, ledger, changes, shared);
    rereads.add(done);
    done.finally(() => rereads.delete(done));
  };
  queue = new BackupQueue({
    target: withApplyDeadline(
      jsonRowsTarget(options.backup, { statementTimeoutMs: options.statementTimeoutMs }),
      options.applyTimeoutMs ?? defaultApplyTimeoutMs(options.statementTimeoutMs),
    ),
    maxDepth: options.maxDepth ?? 10_000,
    batchSize: options.batchSize ?? 500,
    lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
    retry: new RetryPolicy(options.retryDelaysMs),
    timing,
    logger: shared.logger,
    ledger,
    deadLetters,
    metrics,
    order,
    reread: options.primary === undefined ? undefined : reread,
  });
  const context = memoryContext(shared, queue, order);
  const primary = () => {
    if (options.primary === undefined) {
      throw new MultiDbError('InvalidConfig', 'repairs re-read rows from the primary: pass `primary`');
    }
    return options.primary;
  };
  return {
    mode: 'memory',
    drainer: undefined,
    wrap: (db) => wrapDatabase(db, context),
    flush: async (timeoutMs) => queue.flush(await settle(rereads, timeoutMs)),
    async drain(timeoutMs) {
      const done = await queue.flush(await settle(rereads, timeoutMs));
      queue.close();
      return done;
    },
    metrics: () => metrics.snapshot('memory', queue.depth, queue.oldestPendingAgeMs()),
    deadLetters: () => deadLetters.list(),
    overflow: () => ledger.summary(),
    async repairOverflow(timeoutMs) {
      const taken = ledger.take();
      return repairFromPrimary(primary(), queue, taken.tables, taken.needsFullSync, timeoutMs);
    },
    async retryDeadLetters(timeoutMs) {
      const letters = deadLetters.take();
      const retry = new OverflowLedger(Number.POSITIVE_INFINITY);
      for (const letter of letters) retry.record(letter.changes);
      return repairFromPrimary(primary(), queue, retry.take().tables, [], timeoutMs);
    },
  };
}

/**
 * Rows whose captured text cannot be applied as it is (late, or printed under inexact settings): their current
 * state is re-read from the primary and queued; if that fails, their keys go to the overflow ledger (nothing is
 * dropped silently).
 */
async function rereadFromPrimary(
  primary: AnyPgDatabase,
  queue: BackupQueue,
  ledger: OverflowLedger,
  changes: readonly Change<string>[],
  shared: Shared,
): Promise<void> {
  const byTable = new Map<Change<string>['table'], string[]>();
  for (const change of changes) {
    const keys = byTable.get(change.table) ?? [];
    keys.push(keyText(change));
    byTable.set(change.table, keys);
  }
  await Promise.all(
    [...byTable].map(async ([table, keys]) => {
      try {
        const found = await rereadChanges(primary, table, [...new Set(keys)]);
        queue.enqueue(found.changes, { force: true, reread: found.version });
      } catch (error) {
        ledger.record(changes.filter((c) => c.table === table));
        shared.logger.error('could not re-read rows from the primary; recorded in the overflow ledger', {
          table: table.name,
          error: describeError(error),
        });
      }
    }),
  );
}

/** Waits for `pending` (re-reads in progress) at most `timeoutMs`; returns the time left (undefined: unbounded). */
async function settle(
  pending: ReadonlySet<Promise<void>>,
  timeoutMs: number | undefined,
): Promise<number | undefined> {
  if (pending.size === 0) return timeoutMs;
  const start = Date.now();
  const all = Promise.allSettled([...pending]).then(() => undefined);
  if (timeoutMs === undefined) {
    await all;
    return undefined;
  }
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  return Math.max(0, timeoutMs - (Date.now() - start));
}

function durableWriter(options: DualWriterOptions, shared: Shared, timing: Timing): DualWriter {
  if (options.primary === undefined) {
    throw new MultiDbError(
      'InvalidConfig',
      'durable mode needs the unwrapped `primary` (outbox and drainer)',
    );
  }
  const drainerOptions = typeof options.drainer === 'object' ? options.drainer : {};
  const drainer =
    options.drainer === false
      ? undefined
      : new OutboxDrainer({
          primary: options.primary,
          backup: options.backup,
          tables: shared.registry,
          outboxSchema: options.outboxSchema,
          batchSize: options.batchSize,
          lingerMs: options.lingerMs,
          retryDelaysMs: options.retryDelaysMs,
          statementTimeoutMs: options.statementTimeoutMs,
          applyTimeoutMs: options.applyTimeoutMs,
          depthRefreshMs: options.depthRefreshMs,
          logger: options.logger,
          clock: timing.now,
          sleep: timing.sleep,
          ...drainerOptions,
        });
  drainer?.start();
  // Without a drainer, this process still reports the outbox's depth and lag (the drainer has its own gauge).
  const gauge = drainer
    ? undefined
    : new OutboxGauge(new OutboxStore(options.primary, outboxNames(options.outboxSchema)), {
        refreshMs: options.depthRefreshMs,
        logger: shared.logger,
        now: timing.now,
      });
  gauge?.start();
  const context = durableContext(shared, () => drainer?.nudge());
  const noCounters = new MetricCounters();
  const unsupported = async (): Promise<RepairReport> => {
    throw new MultiDbError(
      'UnsupportedMutation',
      'durable mode keeps unapplied rows in the outbox and dead letters in the dead-letter table; nothing overflows',
    );
  };
  return {
    mode: 'durable',
    drainer,
    wrap: (db) => wrapDatabase(db, context),
    flush: async (timeoutMs) => (drainer ? drainer.flush(timeoutMs) : false),
    async drain(timeoutMs) {
      const done = drainer ? await drainer.flush(timeoutMs) : false;
      await drainer?.stop();
      await gauge?.stop();
      return done;
    },
    metrics: () => drainer?.metrics() ?? noCounters.snapshot('durable', gauge?.reading ?? 0),
    deadLetters: () => [],
    overflow: () => ({ keys: 0, tables: {}, needsFullSync: [] }),
    repairOverflow: unsupported,
    retryDeadLetters: unsupported,
  };
}
