import {
  type AnyPgDatabase,
  assertPgDatabase,
  type Clock,
  type Logger,
  MultiDbError,
  redactingLogger,
  settleClock,
  silentLogger,
} from '@multidb/config';
import type { PgTable } from 'drizzle-orm/pg-core';
import { defaultApplyTimeoutMs, withApplyDeadline } from './apply/apply-deadline.js';
import { transactionStatus } from './apply/commit-doubt.js';
import { jsonRowsTarget } from './apply/json-rows-target.js';
import { skipReplicatedTables } from './apply/replicated-tables.js';
import { CommitOrder } from './capture/commit-order.js';
import { wrapDatabase } from './capture/wrap-database.js';
import { durableContext, memoryContext } from './capture/writer-contexts.js';
import { type SettledWriterOptions, settleWriterOptions } from './options/settle-options.js';
import { OutboxDrainer, type OutboxDrainerOptions } from './outbox/outbox-drainer.js';
import { OutboxGauge } from './outbox/outbox-gauge.js';
import { outboxNames } from './outbox/outbox-schema.js';
import { OutboxStore } from './outbox/outbox-store.js';
import { BackupQueue } from './queue/backup-queue.js';
import { type DeadLetter, DeadLetterStore } from './queue/dead-letters.js';
import { type DualWriteMetrics, MetricCounters } from './queue/metrics.js';
import { type LedgerSummary, OverflowLedger } from './queue/overflow-ledger.js';
import { PrimaryReread } from './queue/primary-reread.js';
import { type RepairReport, repairFromPrimary } from './queue/repair.js';
import { RetryBook } from './retry/retry-book.js';
import { RetryPolicy } from './retry/retry-policy.js';
import { TableRegistry } from './table-registry.js';
import type { TelemetrySetting } from './telemetry/telemetry-options.js';
import { WriterTelemetry } from './telemetry/writer-telemetry.js';

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
  /** Share (0 to 1) by which each retry delay is shortened at random, against retries in lockstep. Default 0. */
  readonly retryJitter?: number;
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
  readonly logger?: Logger;
  /** Time and timers (tests pass a fake one); what is left out comes from `systemClock`. */
  readonly clock?: Partial<Clock>;
  /**
   * OpenTelemetry: a span per backup apply batch, gauges `multidb.backup.queue.depth` and `multidb.backup.lag`.
   * Default on when `@opentelemetry/api` is installed (a no-op until an SDK is registered); `false` turns it off.
   */
  readonly telemetry?: TelemetrySetting;
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

/**
 * Builds the backup side of one or more wrapped databases. Every option is settled (validated) first: bad input is
 * refused as `InvalidOptions` before anything is opened.
 */
export function createDualWriter(options: DualWriterOptions): DualWriter {
  const settled = settleWriterOptions(options);
  // A raw driver, a DbHandle or a database of another drizzle-orm copy or major is refused now, not on a write.
  assertPgDatabase(options.backup, 'dual-write `backup`');
  if (options.primary !== undefined) assertPgDatabase(options.primary, 'dual-write `primary`');
  const logger = redactingLogger(options.logger ?? silentLogger);
  const clock = settleClock(options.clock);
  const names = outboxNames(options.outboxSchema);
  const registry = new TableRegistry({
    schema: options.schema,
    ignoreTables: [...(options.ignoreTables ?? []), `${names.schema}.${names.outbox}`],
    casingFrom: options.primary,
  });
  const shared = { registry, outbox: names, logger };
  return settled.mode === 'durable'
    ? durableWriter(options, settled, shared, clock)
    : memoryWriter(options, settled, shared, clock);
}

type Shared = Parameters<typeof memoryContext>[0] & { registry: TableRegistry };

function memoryWriter(
  options: DualWriterOptions,
  settled: SettledWriterOptions,
  shared: Shared,
  clock: Clock,
): DualWriter {
  const metrics = new MetricCounters();
  const ledger = new OverflowLedger(settled.maxOverflowKeys);
  const deadLetters = new DeadLetterStore({
    max: settled.maxDeadLetters,
    table:
      settled.deadLetterTable && options.primary ? { db: options.primary, names: shared.outbox } : undefined,
    logger: shared.logger,
    now: clock.now,
    onEvict: (letter) => ledger.record(letter.changes),
  });
  const order = new CommitOrder({ now: clock.now, maxWaitMs: options.maxOrderWaitMs ?? 30_000 });
  const rereads =
    options.primary === undefined
      ? undefined
      : new PrimaryReread({ primary: options.primary, order, ledger, logger: shared.logger, clock });
  const telemetry = WriterTelemetry.create(options.telemetry, 'memory');
  const queue = new BackupQueue({
    telemetry,
    target: withApplyDeadline(
      skipReplicatedTables(
        jsonRowsTarget(options.backup, {
          statementTimeoutMs: settled.statementTimeoutMs,
          trackOutcome: true,
        }),
        options.backup,
        { logger: shared.logger, now: clock.now },
      ),
      settled.applyTimeoutMs ?? defaultApplyTimeoutMs(settled.statementTimeoutMs),
    ),
    maxDepth: settled.maxDepth,
    batchSize: settled.batchSize,
    lingerMs: settled.lingerMs,
    retries: new RetryBook(new RetryPolicy(settled.retryDelaysMs, settled.retryJitter)),
    clock,
    logger: shared.logger,
    ledger,
    deadLetters,
    metrics,
    order,
    reread: rereads === undefined ? undefined : (changes, attempt) => rereads.start(changes, attempt),
    commitStatus: (xid) => transactionStatus(options.backup, xid),
  });
  rereads?.attach(queue);
  const context = memoryContext(shared, queue, order);
  const primary = () => {
    if (rereads === undefined) {
      throw new MultiDbError('InvalidConfig', 'repairs re-read rows from the primary: pass `primary`');
    }
    return rereads;
  };
  // Re-reads in progress hold rows captured before the call, and an apply may hand rows over to be re-read
  // again (ambiguous ones): wait until both the re-reads and the queue are settled, within one deadline.
  const flush = async (timeoutMs?: number): Promise<boolean> => {
    const deadline = timeoutMs === undefined ? undefined : clock.now() + timeoutMs;
    const left = () => (deadline === undefined ? undefined : Math.max(0, deadline - clock.now()));
    for (;;) {
      if (rereads !== undefined && !(await rereads.settled(left()))) return false;
      if (!(await queue.flush(left()))) return false;
      if (rereads === undefined || rereads.running === 0) return true;
    }
  };
  const snapshot = () => metrics.snapshot('memory', queue.depth, queue.oldestPendingAgeMs());
  const unobserve = telemetry?.observe(snapshot);
  return {
    mode: 'memory',
    drainer: undefined,
    wrap: (db) => wrapDatabase(db, context),
    flush,
    async drain(timeoutMs) {
      const done = await flush(timeoutMs);
      queue.close();
      unobserve?.();
      return done;
    },
    metrics: snapshot,
    deadLetters: () => deadLetters.list(),
    overflow: () => ledger.summary(),
    async repairOverflow(timeoutMs) {
      const from = primary(); // before taking anything: without a primary nothing leaves the ledger
      const taken = ledger.take();
      return repairFromPrimary(from, flush, taken.tables, taken.needsFullSync, timeoutMs);
    },
    async retryDeadLetters(timeoutMs) {
      const from = primary();
      const letters = deadLetters.take();
      const retry = new OverflowLedger(Number.POSITIVE_INFINITY);
      for (const letter of letters) retry.record(letter.changes);
      // A table whose re-read fails has its keys recorded in the overflow ledger (see `repairOverflow`).
      return repairFromPrimary(from, flush, retry.take().tables, [], timeoutMs);
    },
  };
}

function durableWriter(
  options: DualWriterOptions,
  settled: SettledWriterOptions,
  shared: Shared,
  clock: Clock,
): DualWriter {
  if (options.primary === undefined) {
    throw new MultiDbError(
      'InvalidConfig',
      'durable mode needs the unwrapped `primary` (outbox and drainer)',
    );
  }
  const drainerOptions = typeof options.drainer === 'object' ? options.drainer : {};
  const drainer =
    settled.drainer === false
      ? undefined
      : new OutboxDrainer({
          primary: options.primary,
          backup: options.backup,
          tables: shared.registry,
          outboxSchema: options.outboxSchema,
          batchSize: settled.batchSize,
          lingerMs: settled.lingerMs,
          retryDelaysMs: settled.retryDelaysMs,
          retryJitter: settled.retryJitter,
          statementTimeoutMs: settled.statementTimeoutMs,
          applyTimeoutMs: settled.applyTimeoutMs,
          depthRefreshMs: settled.depthRefreshMs,
          logger: options.logger,
          clock,
          telemetry: options.telemetry,
          ...drainerOptions,
        });
  drainer?.start();
  // Without a drainer, this process still reports the outbox's depth and lag (the drainer has its own gauge).
  const gauge = drainer
    ? undefined
    : new OutboxGauge(new OutboxStore(options.primary, outboxNames(options.outboxSchema)), {
        refreshMs: settled.depthRefreshMs,
        logger: shared.logger,
        now: clock.now,
      });
  gauge?.start();
  const context = durableContext(shared, () => drainer?.nudge());
  const noCounters = new MetricCounters();
  const snapshot = () => drainer?.metrics() ?? noCounters.snapshot('durable', gauge?.reading ?? 0);
  const unobserve = WriterTelemetry.create(options.telemetry, 'durable')?.observe(snapshot);
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
      unobserve?.();
      return done;
    },
    metrics: snapshot,
    deadLetters: () => [],
    overflow: () => ({ keys: 0, tables: {}, needsFullSync: [] }),
    repairOverflow: unsupported,
    retryDeadLetters: unsupported,
  };
}
