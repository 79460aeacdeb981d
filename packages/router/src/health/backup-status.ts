import { redactText } from '@multidb/config';

/** The part of a dual-write writer's `metrics()` the backup status reads (any writer, memory or durable). */
export interface BackupQueueSource {
  metrics(): {
    readonly mode: 'memory' | 'durable';
    readonly depth: number;
    readonly oldestPendingAgeMs: number;
    readonly deadLettered: number;
    readonly overflowed: number;
    readonly backupReachable: boolean;
  };
}

/** The latest status of logical replication, as `ReplicationMonitor.latest()` of `@multidb/replicate` gives it. */
export interface ReplicationReading {
  readonly healthy: boolean;
  readonly lagBytes: number | undefined;
  readonly lagMs: number | undefined;
  readonly slot: { readonly retainedBytes: number } | undefined;
  readonly applyErrors: number;
  readonly syncErrors: number;
  readonly warnings: readonly string[];
}

/**
 * Where the backup's state comes from, shown next to the router's nodes by the health handler (with the token) and
 * the Prometheus exposition: a dual-write writer's queue and/or the logical replication's status. Structural, so
 * the router depends on neither package.
 */
export interface BackupSources {
  readonly writer?: BackupQueueSource;
  readonly replication?: { latest(): ReplicationReading | undefined };
}

export interface BackupDetail {
  readonly queue?: {
    readonly mode: 'memory' | 'durable';
    readonly depth: number;
    readonly lagSeconds: number;
    readonly deadLettered: number;
    readonly overflowed: number;
    readonly reachable: boolean;
  };
  /** `null` before the first reading. */
  readonly replication?: {
    readonly healthy: boolean;
    readonly lagBytes: number | null;
    readonly lagSeconds: number | null;
    readonly slotRetainedBytes: number | null;
    readonly applyErrors: number;
    readonly syncErrors: number;
    /** Redacted. */
    readonly warnings: readonly string[];
  } | null;
}

/** One snapshot of every backup source; a source that throws is left out rather than failing the caller. */
export function backupDetail(sources: BackupSources | undefined): BackupDetail | undefined {
  if (sources === undefined) return undefined;
  const detail: { -readonly [K in keyof BackupDetail]: BackupDetail[K] } = {};
  if (sources.writer) {
    try {
      const m = sources.writer.metrics();
      detail.queue = {
        mode: m.mode,
        depth: m.depth,
        lagSeconds: m.oldestPendingAgeMs / 1000,
        deadLettered: m.deadLettered,
        overflowed: m.overflowed,
        reachable: m.backupReachable,
      };
    } catch {
      // a broken source must not take the health endpoint down
    }
  }
  if (sources.replication) {
    try {
      const r = sources.replication.latest();
      detail.replication =
        r === undefined
          ? null
          : {
              healthy: r.healthy,
              lagBytes: r.lagBytes ?? null,
              lagSeconds: r.lagMs === undefined ? null : r.lagMs / 1000,
              slotRetainedBytes: r.slot?.retainedBytes ?? null,
              applyErrors: r.applyErrors,
              syncErrors: r.syncErrors,
              warnings: r.warnings.map((w) => redactText(w)),
            };
    } catch {
      // as above
    }
  }
  return detail;
}
