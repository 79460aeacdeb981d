import type { ReplicationSample } from './position-source.js';

/** How a node replicates, as last observed. */
export type ReplicationState =
  | 'primary'
  | 'streaming'
  /**
   * The WAL receiver is not streaming (e.g. reconnecting after the primary restarted): lag is measured against the
   * primary's current position from the replica's replay position, which no longer moves, so it grows with every
   * write on the primary — never read off the replica alone (where "receive = replay" would say 0).
   */
  | 'disconnected'
  /** A replica that says it is not in recovery (promoted, or misconfigured): its data may diverge. */
  | 'not-in-recovery'
  | 'unknown';

export interface LagEstimate {
  readonly state: ReplicationState;
  readonly bytes: number | null;
  readonly seconds: number | null;
}

const HISTORY_LIMIT = 4096;

/**
 * Lag of replicas against the primary, computed in JS from positions read on each server:
 * bytes = primary `pg_current_wal_lsn()` − replica `pg_last_wal_replay_lsn()` (what `pg_wal_lsn_diff` does).
 * Seconds = how long the primary has been known to be past the replica's replay position: a heartbeat that
 * needs no writes. A replica that has replayed everything the primary wrote has lag 0 however long the
 * primary was idle (unlike `now() - pg_last_xact_replay_timestamp()`), and a replica whose receiver is
 * disconnected has unknown lag (unlike "receive LSN = replay LSN").
 */
export class LagTracker {
  /** Distinct primary positions with the time each was first seen, oldest first. */
  readonly #history: { at: number; position: bigint }[] = [];
  #primaryAt: number | undefined;
  readonly #staleAfterMs: number;

  /** A primary sample older than `staleAfterMs` makes every lag unknown. */
  constructor(staleAfterMs: number) {
    this.#staleAfterMs = staleAfterMs;
  }

  get primaryPosition(): bigint | undefined {
    return this.#history.at(-1)?.position;
  }

  recordPrimary(now: number, writePosition: bigint): void {
    this.#primaryAt = now;
    const last = this.#history.at(-1);
    if (last !== undefined && last.position === writePosition) return;
    // A lower position means a different server (restored or replaced): its history starts again.
    if (last !== undefined && last.position > writePosition) this.#history.length = 0;
    this.#history.push({ at: now, position: writePosition });
    if (this.#history.length > HISTORY_LIMIT) this.#history.splice(0, this.#history.length - HISTORY_LIMIT);
  }

  estimate(now: number, sample: ReplicationSample): LagEstimate {
    if (sample.role === 'primary') return { state: 'not-in-recovery', bytes: null, seconds: null };
    const state = sample.receiving === false ? 'disconnected' : 'streaming';
    const primary = this.primaryPosition;
    const fresh = this.#primaryAt !== undefined && now - this.#primaryAt <= this.#staleAfterMs;
    if (
      sample.receiving === undefined ||
      sample.replayPosition === undefined ||
      primary === undefined ||
      !fresh
    ) {
      return { state: sample.receiving === undefined ? 'unknown' : state, bytes: null, seconds: null };
    }
    const replay = sample.replayPosition;
    if (replay >= primary) return { state, bytes: 0, seconds: 0 };
    const ahead = this.#history.find((entry) => entry.position > replay) ?? this.#history[0];
    const seconds = ahead === undefined ? null : Math.max(0, now - ahead.at) / 1000;
    return { state, bytes: Number(primary - replay), seconds };
  }
}
