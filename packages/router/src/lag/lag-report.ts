import { type AnyPgDatabase, type Clock, executeRows, settleClock } from '@multidb/config';
import { formatLsn } from '../health/health-status.js';
import { describeFailure } from '../health/node-health.js';
import { LagTracker, type ReplicationState } from './lag-tracker.js';
import { type ReplicationSample, sqlPositionSource } from './position-source.js';

/** A node to inspect: its Drizzle database and a redacted URL to print. */
export interface LagTarget {
  readonly name: string;
  readonly role: 'primary' | 'replica' | 'dr';
  readonly safeUrl: string;
  readonly db: AnyPgDatabase;
}

export interface LagLimits {
  readonly maxBytes: number;
  readonly maxSeconds: number;
}

export interface ReplicaLag {
  readonly name: string;
  readonly role: 'replica' | 'dr';
  readonly url: string;
  readonly reachable: boolean;
  /** Router semantics: `disconnected` receiver or `not-in-recovery` mean the lag is unknown, never 0. */
  readonly state: ReplicationState;
  /** `pg_stat_wal_receiver.status`; `none` without a receiver, `hidden` without `pg_read_all_stats`. */
  readonly receiver: string | null;
  /** `pg_is_wal_replay_paused()`. */
  readonly replayPaused: boolean | null;
  /** `pg_last_wal_replay_lsn()`. */
  readonly replayLsn: string | null;
  /** Primary `pg_current_wal_lsn()` − replica `pg_last_wal_replay_lsn()`; `null` when unknown. */
  readonly lagBytes: number | null;
  /** How long the primary has been seen past the replay position (resolution: the sampling interval). */
  readonly lagSeconds: number | null;
  /** Why this replica fails the check (unreachable, lag unknown, over a limit); `null` when fine. */
  readonly problem: string | null;
}

export interface LagReport {
  readonly checkedAt: string;
  readonly primary: {
    readonly name: string;
    readonly url: string;
    readonly reachable: boolean;
    readonly walLsn: string | null;
    readonly problem: string | null;
  };
  readonly replicas: readonly ReplicaLag[];
  readonly ok: boolean;
}

const DETAIL_SQL = `SELECT CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS paused,
  CASE WHEN pg_is_in_recovery() THEN coalesce((SELECT coalesce(status, 'hidden') FROM pg_stat_wal_receiver LIMIT 1), 'none') END AS receiver`;

interface DetailRow extends Record<string, unknown> {
  paused: boolean | null;
  receiver: string | null;
}

type Observation =
  | { readonly ok: true; readonly sample: ReplicationSample; readonly detail: DetailRow | undefined }
  | { readonly ok: false; readonly error: string };

/**
 * Replication lag of each replica, measured like the router does (its `sqlPositionSource` and `LagTracker`):
 * the primary is sampled first, then every replica. Keep one instance and call `inspect()` repeatedly: lag in
 * seconds is how long the primary has been seen past a replica's replay position, so it needs two rounds.
 */
export class LagInspector {
  readonly #primary: LagTarget;
  readonly #replicas: readonly LagTarget[];
  readonly #limits: LagLimits;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #tracker: LagTracker;

  constructor(
    primary: LagTarget,
    replicas: readonly LagTarget[],
    options: { limits: LagLimits; timeoutMs: number; clock?: Partial<Clock> },
  ) {
    this.#primary = primary;
    this.#replicas = replicas;
    this.#limits = options.limits;
    this.#timeoutMs = options.timeoutMs;
    this.#clock = settleClock(options.clock);
    this.#tracker = new LagTracker(Number.POSITIVE_INFINITY);
  }

  async inspect(): Promise<LagReport> {
    const primary = await this.#observe(this.#primary, false);
    const primaryOk = primary.ok && primary.sample.role === 'primary';
    if (primary.ok && primary.sample.role === 'primary')
      this.#tracker.recordPrimary(this.#clock.now(), primary.sample.writePosition);
    const observed = await Promise.all(this.#replicas.map((replica) => this.#observe(replica, true)));
    const now = this.#clock.now();
    const replicas = this.#replicas.map((target, i) =>
      this.#replicaLag(target, observed[i] as Observation, now, primaryOk),
    );
    const primaryProblem = !primary.ok
      ? `unreachable: ${primary.error}`
      : primaryOk
        ? null
        : 'the primary is in recovery (not a primary)';
    return {
      checkedAt: new Date(now).toISOString(),
      primary: {
        name: this.#primary.name,
        url: this.#primary.safeUrl,
        reachable: primary.ok,
        walLsn:
          primary.ok && primary.sample.role === 'primary' ? formatLsn(primary.sample.writePosition) : null,
        problem: primaryProblem,
      },
      replicas,
      ok: primaryProblem === null && replicas.every((replica) => replica.problem === null),
    };
  }

  #replicaLag(target: LagTarget, observed: Observation, now: number, primaryOk: boolean): ReplicaLag {
    const base = {
      name: target.name,
      role: target.role === 'dr' ? 'dr' : 'replica',
      url: target.safeUrl,
    } as const;
    if (!observed.ok) {
      return {
        ...base,
        reachable: false,
        state: 'unknown',
        receiver: null,
        replayPaused: null,
        replayLsn: null,
        lagBytes: null,
        lagSeconds: null,
        problem: `unreachable: ${observed.error}`,
      };
    }
    const { sample, detail } = observed;
    const estimate = primaryOk
      ? this.#tracker.estimate(now, sample)
      : { state: sample.role === 'primary' ? 'not-in-recovery' : 'unknown', bytes: null, seconds: null };
    const replay = sample.role === 'standby' ? sample.replayPosition : undefined;
    const lag = {
      state: estimate.state as ReplicationState,
      lagBytes: estimate.bytes,
      lagSeconds: estimate.seconds,
    };
    return {
      ...base,
      reachable: true,
      ...lag,
      receiver: detail?.receiver ?? null,
      replayPaused: detail?.paused ?? null,
      replayLsn: replay === undefined ? null : formatLsn(replay),
      problem: this.#problem(lag),
    };
  }

  #problem(lag: {
    state: ReplicationState;
    lagBytes: number | null;
    lagSeconds: number | null;
  }): string | null {
    if (lag.state === 'disconnected')
      return lag.lagBytes === null
        ? 'WAL receiver not streaming: lag unknown'
        : `WAL receiver not streaming (replay ${lag.lagBytes} bytes behind the primary)`;
    if (lag.state === 'not-in-recovery') return 'not in recovery: not a replica';
    if (lag.lagBytes === null || lag.lagSeconds === null) return 'lag unknown';
    if (lag.lagBytes > this.#limits.maxBytes) return `lag ${lag.lagBytes} bytes > ${this.#limits.maxBytes}`;
    if (lag.lagSeconds > this.#limits.maxSeconds)
      return `lag ${lag.lagSeconds} s > ${this.#limits.maxSeconds}`;
    return null;
  }

  async #observe(target: LagTarget, detail: boolean): Promise<Observation> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      const work = Promise.all([
        sqlPositionSource(() => target.db).sample(),
        detail ? executeRows<DetailRow>(target.db, DETAIL_SQL) : Promise.resolve([]),
      ]);
      const [sample, rows] = await Promise.race([work, timeout]);
      return { ok: true, sample, detail: rows[0] };
    } catch (error) {
      return { ok: false, error: describeFailure(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
