import { type AnyPgDatabase, executeRows } from '@multidb/config';

/** One observation of a node's replication state. Positions are WAL byte positions (LSNs) as bigints. */
export type ReplicationSample =
  | {
      readonly role: 'primary';
      /** `pg_current_wal_lsn()`: what lag in bytes is measured against. */
      readonly writePosition: bigint;
      /** `pg_current_wal_insert_lsn()`: what consistency tokens carry. */
      readonly insertPosition: bigint;
    }
  | {
      readonly role: 'standby';
      /** `pg_last_wal_replay_lsn()`; `undefined` if nothing was replayed yet. */
      readonly replayPosition: bigint | undefined;
      /**
       * Whether the WAL receiver is streaming. `false` when it is disconnected (then the replay position stops
       * moving and any lag computed on the replica alone would read 0); `undefined` when not visible (the
       * probing role lacks `pg_read_all_stats`).
       */
      readonly receiving: boolean | undefined;
    };

/**
 * Where the router learns a node's position and health. The default runs one SQL query; in-memory replicas
 * (PGlite has no WAL replay) plug in their own.
 */
export interface PositionSource {
  sample(): Promise<ReplicationSample>;
}

const PROBE_SQL = `SELECT pg_is_in_recovery() AS standby,
  CASE WHEN NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text END AS write_position,
  CASE WHEN NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text END AS insert_position,
  CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::text END AS replay_position,
  CASE WHEN pg_is_in_recovery() THEN (SELECT coalesce(status, 'hidden') FROM pg_stat_wal_receiver LIMIT 1) END AS receiver`;

interface ProbeRow extends Record<string, unknown> {
  standby: boolean;
  write_position: string | null;
  insert_position: string | null;
  replay_position: string | null;
  receiver: string | null;
}

/** The default source: `pg_is_in_recovery()`, WAL positions and `pg_stat_wal_receiver` in one round trip. */
export function sqlPositionSource(db: () => AnyPgDatabase | Promise<AnyPgDatabase>): PositionSource {
  return {
    async sample() {
      const [row] = await executeRows<ProbeRow>(await db(), PROBE_SQL);
      if (row === undefined) throw new Error('replication probe returned no row');
      if (!row.standby) {
        const write = toPosition(row.write_position) ?? 0n;
        return {
          role: 'primary',
          writePosition: write,
          insertPosition: toPosition(row.insert_position) ?? write,
        };
      }
      return {
        role: 'standby',
        replayPosition: toPosition(row.replay_position),
        receiving: row.receiver === 'hidden' ? undefined : row.receiver === 'streaming',
      };
    },
  };
}

function toPosition(value: string | null): bigint | undefined {
  return value === null || value === undefined ? undefined : BigInt(value);
}
