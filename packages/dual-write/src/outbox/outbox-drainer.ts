import { type AnyPgDatabase, describeError } from '@multidb/config';
import { defaultApplyTimeoutMs, withApplyDeadline } from '../apply/apply-deadline.js';
import { countChanges } from '../apply/change.js';
import { errorCode, isTransientError } from '../apply/error-kind.js';
import { type ApplyReport, applyIsolating } from '../apply/isolating-apply.js';
import { type DualWriteLogger, redactingLogger, silentLogger } from '../logger.js';
import { type DualWriteMetrics, MetricCounters } from '../queue/metrics.js';
import { RetryPolicy, type RetryState, realTiming, type Timing } from '../queue/retry-policy.js';
import { selectRunnable } from '../queue/unit-scheduler.js';
import { TableRegistry } from '../table-registry.js';
import { isFencedOut, jsonTarget } from './json-target.js';
import { advisoryLeaderLock, type LeaderLock } from './leader-lock.js';
import { Leadership } from './leadership.js';
import { outboxNames } from './outbox-schema.js';
import { type OutboxStatus, OutboxStore } from './outbox-store.js';
import { entryIds, outboxUnits } from './outbox-units.js';

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
  readonly statementTimeoutMs?: number;
  /** Client-side bound of one backup batch (see `DualWriterOptions.applyTimeoutMs`). */
  readonly applyTimeoutMs?: number;
  /** Default: `pg_try_advisory_lock` on a dedicated primary connection. */
  readonly lock?: LeaderLock;
  readonly logger?: DualWriteLogger;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
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
}

const STATUS_EVERY_MS = 1000;
const NOT_LEADER: DrainRound = { leader: false, read: 0, applied: 0, deadLettered: 0, waitMs: undefined };

/**
 * Applies the outbox to the backup: one leader at a time (advisory lock), oldest entries first, each round's
 * units (primary transactions) coalesced per row and written in one backup transaction. Applied entries are
 * deleted only after the backup committed, so a crash anywhere re-applies (idempotently) instead of losing rows.
 */
export class OutboxDrainer {
  readonly #store: OutboxStore;
  readonly #registry: TableRegistry;
  readonly #leadership: Leadership;
  readonly #retry: RetryPolicy;
  readonly #timing: Timing;
  readonly #logger: Required<DualWriteLogger>;
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #lingerMs: number;
  readonly #states = new Map<number, RetryState>();
  readonly #counters = new MetricCounters();
  readonly #target;
  #status: OutboxStatus = { pending: 0, oldestAgeMs: 0 };
  #statusAt = Number.NEGATIVE_INFINITY;
  #outageFailures = 0;
  #running: Promise<void> | undefined;
  #lastRound: Promise<unknown> = Promise.resolve();
  #stopping = false;
  #wake: (() => void) | undefined;

  constructor(options: OutboxDrainerOptions) {
    const names = outboxNames(options.outboxSchema);
    this.#store = new OutboxStore(options.primary, names);
    this.#registry =
      options.tables instanceof TableRegistry
        ? options.tables
        : new TableRegistry({ schema: options.tables });
    this.#logger = redactingLogger(options.logger ?? silentLogger);
    this.#retry = new RetryPolicy(options.retryDelaysMs);
    this.#timing = { now: options.clock ?? realTiming.now, sleep: options.sleep ?? realTiming.sleep };
    const lock: LeaderLock = options.lock ?? advisoryLeaderLock(options.primary);
    this.#leadership = new Leadership(lock, this.#store, this.#logger, this.#timing.now);
    this.#batchSize = options.batchSize ?? 500;
    this.#pollMs = options.pollIntervalMs ?? 1000;
    this.#lingerMs = options.lingerMs ?? 5;
    this.#target = withApplyDeadline(
      jsonTarget(options.backup, {
        names,
        epoch: () => this.#leadership.epoch,
        statementTimeoutMs: options.statementTimeoutMs,
      }),
      options.applyTimeoutMs ?? defaultApplyTimeoutMs(options.statementTimeoutMs),
    );
  }

  get isLeader(): boolean {
    return this.#leadership.epoch !== undefined;
  }

  /** Runs rounds in the background until `stop()`. */
  start(): void {
    this.#stopping = false;
    this.#running ??= this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Stops after the current round and gives up the lock. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
    await this.#lastRound;
    await this.#leadership.stepDown();
  }

  /** New entries were committed: look now instead of at the next poll. */
  nudge(): void {
    this.#wake?.();
  }

  /** Counters, with the outbox depth and lag as of the last time the drainer caught up (see `status()`). */
  metrics(): DualWriteMetrics {
    return this.#counters.snapshot('durable', this.#status.pending, this.#status.oldestAgeMs);
  }

  /** Outbox depth and the age of its oldest entry (the backup lag), read from the primary now. */
  async status(): Promise<OutboxStatus> {
    this.#status = await this.#store.status();
    return this.#status;
  }

  /**
   * Resolves `true` once the outbox is empty, whoever drained it: this drainer takes rounds while it leads (or
   * can win the lead), otherwise it waits for the leader. A broken primary connection (e.g. just after a primary
   * restart) is waited out. `false` on timeout.
   */
  async flush(timeoutMs = 60_000): Promise<boolean> {
    const deadline = this.#timing.now() + timeoutMs;
    while (this.#timing.now() < deadline) {
      let round: DrainRound;
      try {
        round = await this.drainOnce();
        if (!round.leader && (await this.#store.status()).pending === 0) return true;
      } catch (error) {
        if (!isTransientError(error)) throw error;
        this.#counters.lastError = describeError(error);
        await this.#timing.sleep(Math.min(this.#pollMs, Math.max(0, deadline - this.#timing.now())));
        continue;
      }
      if (round.leader && round.read === 0) return true;
      if (!round.leader) await this.#timing.sleep(this.#pollMs);
      else if (round.applied + round.deadLettered === 0)
        await this.#timing.sleep(round.waitMs ?? this.#pollMs);
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
    if (claim.fresh) this.#states.clear();
    const entries = await this.#store.readBatch(this.#batchSize);
    if (entries.length === 0) {
      this.#status = { pending: 0, oldestAgeMs: 0 };
      return { ...NOT_LEADER, leader: true };
    }
    const { units, unknown } = outboxUnits(entries, this.#registry, this.#timing.now());
    let deadLettered = 0;
    if (unknown.length > 0) {
      const names = [...new Set(unknown.map((e) => e.tableName))].join(', ');
      const message = `outbox rows for unknown tables (${names}): give the drainer these Drizzle tables`;
      this.#logger.error(message);
      await this.#store.deadLetter(
        unknown.map((e) => e.id),
        message,
        'UnknownTable',
        0,
      );
      deadLettered += this.#countDeadLetters(unknown.length);
    }
    const { runnable, waitMs } = selectRunnable(
      units,
      (u) => this.#states.get(u.id),
      this.#timing.now(),
      this.#batchSize,
    );
    let applied = 0;
    if (runnable.length > 0) {
      const report = await applyIsolating(
        runnable,
        this.#target,
        (e) => isTransientError(e) || isFencedOut(e),
      );
      applied = countChanges(report.applied);
      deadLettered += await this.#settle(report);
    }
    if (entries.length < this.#batchSize) await this.#refreshStatus();
    const progressed = applied + deadLettered > 0;
    return {
      leader: this.isLeader,
      read: entries.length,
      applied,
      deadLettered,
      waitMs: progressed ? undefined : runnable.length === 0 ? waitMs : this.#nextDue(),
    };
  }

  /** Books the round's outcome; returns how many rows were dead-lettered. */
  async #settle(report: ApplyReport<string>): Promise<number> {
    const now = this.#timing.now();
    await this.#store.remove(report.applied.flatMap(entryIds));
    for (const unit of report.applied) this.#states.delete(unit.id);
    this.#counters.add('failed', report.rollbacks);
    if (report.applied.length > 0) {
      this.#counters.add('applied', countChanges(report.applied));
      this.#counters.add('batches');
      this.#counters.backupReachable = true;
    }
    let deadLettered = 0;
    for (const { unit, error } of report.failed) {
      const state = this.#states.get(unit.id) ?? { attempts: 0, notBefore: 0, lastError: undefined };
      state.attempts += 1;
      state.lastError = error;
      this.#counters.lastError = describeError(error);
      const delay = this.#retry.retryDelay(state.attempts);
      if (delay === undefined) {
        this.#states.delete(unit.id);
        await this.#store.deadLetter(entryIds(unit), describeError(error), errorCode(error), state.attempts);
        deadLettered += this.#countDeadLetters(unit.changes.length);
        this.#logger.error('outbox rows dead-lettered', {
          rows: unit.changes.length,
          error: describeError(error),
        });
      } else {
        state.notBefore = now + delay;
        this.#states.set(unit.id, state);
        this.#counters.add('retried', unit.changes.length);
      }
    }
    if (report.heldError === undefined) {
      this.#outageFailures = 0;
    } else if (isFencedOut(report.heldError)) {
      this.#logger.warn('outbox drainer was superseded by a newer leader; stepping down');
      await this.#leadership.stepDown();
    } else {
      this.#outageFailures += 1;
      this.#counters.add('retried', countChanges(report.held));
      this.#counters.backupReachable = false;
      this.#counters.lastError = describeError(report.heldError);
      await this.#timing.sleep(this.#retry.outageDelay(this.#outageFailures));
    }
    return deadLettered;
  }

  /** Depth and lag for `metrics()`, read at most once a second (it is a count over the outbox). */
  async #refreshStatus(): Promise<void> {
    const now = this.#timing.now();
    if (now - this.#statusAt < STATUS_EVERY_MS) return;
    this.#statusAt = now;
    this.#status = await this.#store.status().catch(() => this.#status);
  }

  #countDeadLetters(rows: number): number {
    this.#counters.add('deadLettered', rows);
    return rows;
  }

  /** Ms until the first unit waiting for a retry is due. */
  #nextDue(): number | undefined {
    let first: number | undefined;
    for (const state of this.#states.values())
      first = Math.min(first ?? Number.POSITIVE_INFINITY, state.notBefore);
    return first === undefined ? undefined : Math.max(0, first - this.#timing.now());
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
        this.#timing.sleep(wait),
        new Promise<void>((resolve) => {
          this.#wake = () => {
            nudged = true;
            resolve();
          };
        }),
      ]);
      this.#wake = undefined;
      if (nudged && !this.#stopping && this.#lingerMs > 0) await this.#timing.sleep(this.#lingerMs);
    }
  }
}
