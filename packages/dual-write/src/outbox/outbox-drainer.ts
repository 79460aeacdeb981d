import {
  type AnyPgDatabase,
  assertPgDatabase,
  type Clock,
  describeError,
  type Logger,
  redactingLogger,
  settleClock,
  silentLogger,
} from '@multidb/config';
import { defaultApplyTimeoutMs, withApplyDeadline } from '../apply/apply-deadline.js';
import { type ChangeUnit, countChanges } from '../apply/change.js';
import { isTransientError } from '../apply/error-kind.js';
import { applyIsolating, heldReport } from '../apply/isolating-apply.js';
import { skipReplicatedTables } from '../apply/replicated-tables.js';
import { settleDrainerOptions } from '../options/settle-options.js';
import { type DualWriteMetrics, MetricCounters } from '../queue/metrics.js';
import { selectRunnable } from '../queue/unit-scheduler.js';
import { RetryBook } from '../retry/retry-book.js';
import { RetryPolicy } from '../retry/retry-policy.js';
import { TableRegistry } from '../table-registry.js';
import type { TelemetrySetting } from '../telemetry/telemetry-options.js';
import { traceApply, WriterTelemetry } from '../telemetry/writer-telemetry.js';
import { withExactRows } from './exact-units.js';
import { isFencedOut, jsonTarget } from './json-target.js';
import { advisoryLeaderLock, type LeaderLock } from './leader-lock.js';
import { Leadership } from './leadership.js';
import { LedgerGate } from './ledger-gate.js';
import { OutboxGauge } from './outbox-gauge.js';
import { outboxNames } from './outbox-schema.js';
import { type OutboxStatus, OutboxStore } from './outbox-store.js';
import { entryIds, outboxUnits } from './outbox-units.js';
import { RoundSettlement } from './round-settlement.js';
import { UnknownTableHolds } from './unknown-table-holds.js';

export interface OutboxDrainerOptions {
  readonly primary: AnyPgDatabase;
  readonly backup: AnyPgDatabase;
  /** The Drizzle tables whose rows may be in the outbox (a schema object or a list), or a writer's registry. */
  readonly tables: TableRegistry | Readonly<Record<string, unknown>> | readonly unknown[];
  readonly outboxSchema?: string;
  /** Outbox entries per round (a transaction is never split). Default 500. */
  readonly batchSize?: number;
  /** How often an idle drainer (or one waiting for the lock) looks again. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** After a nudge, how long to let more entries arrive before draining. Default 5 ms. */
  readonly lingerMs?: number;
  readonly retryDelaysMs?: readonly number[];
  /** See `DualWriterOptions.retryJitter`. Default 0. */
  readonly retryJitter?: number;
  readonly statementTimeoutMs?: number;
  /** Client-side bound of one backup batch (see `DualWriterOptions.applyTimeoutMs`). */
  readonly applyTimeoutMs?: number;
  /** How often `metrics()` depth and lag are read from the outbox (see `DualWriterOptions`). Default 1000 ms. */
  readonly depthRefreshMs?: number;
  /** Default: `pg_try_advisory_lock` on a dedicated primary connection. */
  readonly lock?: LeaderLock;
  readonly logger?: Logger;
  /** Time and timers (tests pass a fake one); what is left out comes from `systemClock`. */
  readonly clock?: Partial<Clock>;
  /** OpenTelemetry: a span per apply batch. Default on when `@opentelemetry/api` is installed; `false` off. */
  readonly telemetry?: TelemetrySetting;
}

export interface DrainRound {
  readonly leader: boolean;
  /** Entries read from the outbox this round. */
  readonly read: number;
  readonly applied: number;
  /** Entries moved to the dead-letter table this round. */
  readonly deadLettered: number;
  /** No progress: the first entry waiting for a retry is due in this many ms. */
  readonly waitMs: number | undefined;
  /**
   * Entries of tables this drainer does not know (and those that must wait for them) are left in the outbox
   * (`UnknownOutboxTable`): the outbox is not empty even when `read` is 0.
   */
  readonly holding: boolean;
}

const NOT_LEADER: DrainRound = {
  leader: false,
  read: 0,
  applied: 0,
  deadLettered: 0,
  waitMs: undefined,
  holding: false,
};
const EMPTY: OutboxStatus = { pending: 0, exact: true, oldestAgeMs: 0 };

/**
 * Applies the outbox to the backup: one leader at a time (advisory lock), oldest entries first, each round's
 * units (primary transactions) coalesced per row and written in one backup transaction. Applied entries are
 * deleted only after the backup committed, so a crash anywhere re-applies (idempotently) instead of losing rows.
 */
export class OutboxDrainer {
  readonly #store: OutboxStore;
  readonly #primary: AnyPgDatabase;
  readonly #registry: TableRegistry;
  readonly #leadership: Leadership;
  readonly #clock: Clock;
  readonly #logger: Required<Logger>;
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #lingerMs: number;
  readonly #states: RetryBook;
  readonly #counters = new MetricCounters();
  readonly #target;
  readonly #telemetry: WriterTelemetry | undefined;
  readonly #gauge: OutboxGauge;
  readonly #holds: UnknownTableHolds;
  readonly #settlement: RoundSettlement;
  /** The backup's ledger of applied units: what a crash or a lost answer left on the backup is not applied again. */
  readonly #gate: LedgerGate;
  #running: Promise<void> | undefined;
  #lastRound: Promise<unknown> = Promise.resolve();
  #stopping = false;
  #wake: (() => void) | undefined;

  /** Settles (validates) the options first: bad input is refused (`InvalidOptions`) before anything is opened. */
  constructor(options: OutboxDrainerOptions) {
    const settled = settleDrainerOptions(options);
    assertPgDatabase(options.primary, 'OutboxDrainer `primary`');
    assertPgDatabase(options.backup, 'OutboxDrainer `backup`');
    const names = outboxNames(options.outboxSchema);
    this.#store = new OutboxStore(options.primary, names);
    this.#primary = options.primary;
    this.#gate = new LedgerGate(options.backup, names);
    this.#registry =
      options.tables instanceof TableRegistry
        ? options.tables
        : new TableRegistry({ schema: options.tables });
    this.#logger = redactingLogger(options.logger ?? silentLogger);
    this.#states = new RetryBook(new RetryPolicy(settled.retryDelaysMs, settled.retryJitter));
    this.#clock = settleClock(options.clock);
    const lock: LeaderLock = options.lock ?? advisoryLeaderLock(options.primary);
    this.#leadership = new Leadership(lock, this.#store, this.#logger, this.#clock.now);
    this.#batchSize = settled.batchSize;
    this.#pollMs = settled.pollIntervalMs;
    this.#lingerMs = settled.lingerMs;
    this.#gauge = new OutboxGauge(this.#store, {
      refreshMs: settled.depthRefreshMs,
      logger: this.#logger,
      now: this.#clock.now,
    });
    this.#holds = new UnknownTableHolds(this.#registry, this.#clock.now);
    this.#settlement = new RoundSettlement({
      store: this.#store,
      retries: this.#states,
      counters: this.#counters,
      logger: this.#logger,
      clock: this.#clock,
      stepDown: () => this.#leadership.stepDown(),
    });
    this.#telemetry = WriterTelemetry.create(options.telemetry, 'durable');
    this.#target = withApplyDeadline(
      skipReplicatedTables(
        jsonTarget(options.backup, {
          names,
          epoch: () => this.#leadership.epoch,
          ledger: this.#gate.batches,
          statementTimeoutMs: settled.statementTimeoutMs,
        }),
        options.backup,
        { logger: this.#logger, now: this.#clock.now },
      ),
      settled.applyTimeoutMs ?? defaultApplyTimeoutMs(settled.statementTimeoutMs),
    );
  }

  get isLeader(): boolean {
    return this.#leadership.epoch !== undefined;
  }

  /** Runs rounds in the background until `stop()`. */
  start(): void {
    this.#stopping = false;
    this.#gauge.start();
    this.#running ??= this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Stops after the current round and gives up the lock. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#gauge.stop();
    await this.#running;
    await this.#lastRound;
    await this.#leadership.stepDown();
  }

  /** New entries were committed: look now instead of at the next poll. */
  nudge(): void {
    this.#wake?.();
  }

  /**
   * This drainer's counters, with the outbox depth and lag as last read from the outbox (every `depthRefreshMs`
   * while started, and by rounds and `status()`), whether this drainer leads or not; see `DualWriteMetrics`.
   */
  metrics(): DualWriteMetrics {
    return this.#counters.snapshot('durable', this.#gauge.reading);
  }

  /** Outbox depth and the age of its oldest entry (the backup lag), read from the primary now. */
  async status(): Promise<OutboxStatus> {
    const status = await this.#store.status();
    this.#gauge.observe(status);
    return status;
  }

  /**
   * Resolves `true` once the outbox is empty, whoever drained it: this drainer takes rounds while it leads (or
   * can win the lead), otherwise it waits for the leader. A broken primary connection (e.g. just after a primary
   * restart) is waited out. `false` on timeout.
   */
  async flush(timeoutMs = 60_000): Promise<boolean> {
    const deadline = this.#clock.now() + timeoutMs;
    while (this.#clock.now() < deadline) {
      let round: DrainRound;
      try {
        round = await this.drainOnce();
        if (!round.leader && (await this.status()).pending === 0) return true;
      } catch (error) {
        if (!isTransientError(error)) throw error;
        this.#counters.lastError = describeError(error);
        await this.#clock.sleep(Math.min(this.#pollMs, Math.max(0, deadline - this.#clock.now())));
        continue;
      }
      if (round.leader && round.read === 0 && !round.holding) return true;
      if (!round.leader) await this.#clock.sleep(this.#pollMs);
      else if (round.applied + round.deadLettered === 0)
        await this.#clock.sleep(round.waitMs ?? this.#pollMs);
    }
    return false;
  }

  /**
   * One round: claim the lead, read a batch, apply it, clean up. Rounds never overlap: a call made while the
   * background loop (or another caller) is mid-round waits for it, so two rounds never apply the same entries
   * or settle each other's results.
   */
  drainOnce(): Promise<DrainRound> {
    const round = this.#lastRound.then(
      () => this.#round(),
      () => this.#round(),
    );
    this.#lastRound = round.catch(() => undefined);
    return round;
  }

  async #round(): Promise<DrainRound> {
    const claim = await this.#leadership.claim();
    if (!claim.leading) return NOT_LEADER;
    if (claim.fresh) {
      this.#states.clear();
      this.#gate.newLeadership();
    }
    const entries = await this.#store.readBatch(this.#batchSize, this.#holds.skipTables());
    if (entries.length === 0) {
      if (!this.#holds.holding) this.#gauge.observe(EMPTY);
      return { ...NOT_LEADER, leader: true, holding: this.#holds.holding };
    }
    const { units, unknown } = outboxUnits(entries, this.#registry, this.#clock.now());
    const { free, error, learned } = this.#holds.decide(units, unknown);
    if (error !== undefined) {
      // Not dead-lettered: nothing is lost, a drainer given the same `schema` as the writers applies them.
      this.#counters.lastError = describeError(error);
      if (this.#holds.shouldLog(error))
        this.#logger.error(error.message, { code: error.code, ...error.context });
    }
    const { runnable, waitMs } = selectRunnable(
      free,
      (u) => this.#states.get(u.id),
      this.#clock.now(),
      this.#batchSize,
    );
    let applied = 0;
    let deadLettered = 0;
    if (runnable.length > 0) ({ applied, deadLettered } = await this.#apply(runnable));
    const progressed = applied + deadLettered > 0;
    return {
      leader: this.isLeader,
      read: entries.length,
      applied,
      deadLettered,
      // Newly skipped tables: the next read reaches the entries behind them, at once.
      waitMs: progressed
        ? undefined
        : learned
          ? 0
          : runnable.length === 0
            ? waitMs
            : this.#states.nextDue(this.#clock.now()),
      holding: this.#holds.holding,
    };
  }

  /**
   * Applies `runnable`: the units the backup's ledger already holds (when the last outcome is unknown) are deleted
   * from the outbox instead of applied again; an unreachable backup holds them all (as when an apply finds it down).
   */
  async #apply(runnable: readonly ChangeUnit<string>[]): Promise<{ applied: number; deadLettered: number }> {
    let known: Awaited<ReturnType<LedgerGate['applied']>>;
    try {
      known = await this.#gate.applied(runnable);
    } catch (error) {
      if (!isTransientError(error)) throw error;
      return { applied: 0, deadLettered: await this.#settlement.settle(heldReport(runnable, error)) };
    }
    const skipped = await this.#removeApplied(known.units);
    const done = new Set(known.units);
    this.#gate.applying();
    const units = await withExactRows(
      this.#primary,
      runnable.filter((unit) => !done.has(unit)),
    );
    const report = await traceApply(this.#telemetry, units, () =>
      applyIsolating(units, this.#target, (e) => isTransientError(e) || isFencedOut(e)),
    );
    const deadLettered = await this.#settlement.settle(report);
    this.#gate.settled([...known.units, ...report.applied], known.batches, report.heldError !== undefined);
    return { applied: skipped + countChanges(report.applied), deadLettered };
  }

  /** Units the backup already holds: deleted from the outbox, counted as applied; returns their rows. */
  async #removeApplied(units: readonly ChangeUnit<string>[]): Promise<number> {
    if (units.length === 0) return 0;
    await this.#store.remove(units.flatMap(entryIds));
    for (const unit of units) this.#states.forget(unit.id);
    const rows = countChanges(units);
    this.#counters.add('applied', rows);
    this.#logger.info(
      'outbox units already on the backup (committed before a crash or a lost answer): deleted from the outbox, not applied again',
      { units: units.length, rows },
    );
    return rows;
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      let round: DrainRound | undefined;
      try {
        round = await this.drainOnce();
      } catch (error) {
        this.#counters.lastError = describeError(error);
        this.#logger.error('outbox drain round failed', { error: this.#counters.lastError });
      }
      if (this.#stopping) break;
      if (round?.leader && round.applied + round.deadLettered > 0) continue;
      const wait =
        round?.leader && round.waitMs !== undefined ? Math.min(round.waitMs, this.#pollMs) : this.#pollMs;
      let nudged = false;
      await Promise.race([
        this.#clock.sleep(wait),
        new Promise<void>((resolve) => {
          this.#wake = () => {
            nudged = true;
            resolve();
          };
        }),
      ]);
      this.#wake = undefined;
      if (nudged && !this.#stopping && this.#lingerMs > 0) await this.#clock.sleep(this.#lingerMs);
    }
  }
}
