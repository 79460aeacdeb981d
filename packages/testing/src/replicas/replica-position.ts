import type { PGlite } from '@electric-sql/pglite';

/**
 * What a replica reports to the router, in the shape of `@multidb/router`'s `ReplicationSample` (standby
 * variant), so in-memory replicas plug into the router's `PositionSource` without a dependency on it.
 */
export interface StandbySample {
  readonly role: 'standby';
  readonly replayPosition: bigint | undefined;
  readonly receiving: boolean | undefined;
}

export interface ReplicaPositionSource {
  sample(): Promise<StandbySample>;
}

/** The primary's `pg_current_wal_insert_lsn()` as a number: what consistency tokens carry. */
export async function primaryInsertPosition(pg: PGlite): Promise<bigint> {
  const { rows } = await pg.query<{ position: string }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS position`,
  );
  return BigInt(rows[0]?.position ?? '0');
}
