import { replicationStatus, setupReplication } from '@multidb/replicate';
import type { PgNode } from '@multidb/testing';
import { expect, it } from 'vitest';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { useChaosCluster } from './support/chaos-fixture.js';
import { countByCode } from './support/error-code.js';
import { ms } from './support/latency.js';
import { recordScenario } from './support/reliability-report.js';
import { settleWithin, timeUntil } from './support/wait-for.js';
import { Workload } from './support/workload.js';

// Scenario 8: the backup is a logical replica (publication + subscription) and is stopped and restarted three
// times while mixed writes run; dual-write is composed in as in the other scenarios and must leave every
// replicated table to the subscription (one engine per table).
const TOTAL_WRITES = 6_000;
const OUTAGES = 3;
const WRITES_PER_OUTAGE = 600;

const leftToReplication = new Set<string>();
const fixture = useChaosCluster({ logical: true }, () => ({
  writer: {
    logger: {
      warn: (message: string, context?: Readonly<Record<string, unknown>>) => {
        if (message.includes('replicated')) leftToReplication.add(String(context?.table));
      },
      error: () => {},
    },
  },
}));

async function lagBytes(primary: PgNode): Promise<number> {
  const [row] = await primary.sql(
    `select coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), -1)::bigint as lag
       from pg_replication_slots where slot_name = 'multidb_backup'`,
  );
  return Number(row?.lag ?? -1);
}

it('logical replication: backup stopped and restarted 3 times during 6,000 mixed writes, 0 lost, 0 drift', async () => {
  const { cluster, app } = fixture;
  const options = { primary: cluster.primaryUrl, backup: cluster.backupUrl };
  const setupStart = performance.now();
  // The fixture filled the backup with syncBackup: replication copies it again itself (truncate first).
  const setup = await setupReplication({ ...options, truncate: true });
  if (setup.isErr()) throw new Error(setup.error.message);
  const setupMs = performance.now() - setupStart;
  const primary = cluster.pg.primary;
  const backup = cluster.pg.backup as PgNode;

  const workload = new Workload({
    clients: app.clients,
    workers: 4,
    seed: 801,
    label: 's8',
    maxWrites: TOTAL_WRITES,
  });
  const started = performance.now();
  workload.phase = 'baseline';
  workload.start();
  const outageMs: number[] = [];
  const catchUpMs: number[] = [];
  let peakLag = 0;
  for (let i = 0; i < OUTAGES; i++) {
    await workload.untilWrites(600 + i * 1800);
    workload.phase = 'outage';
    const down = performance.now();
    await backup.stop();
    await workload.untilWrites(workload.writes + WRITES_PER_OUTAGE);
    peakLag = Math.max(peakLag, await lagBytes(primary));
    await backup.start();
    outageMs.push(performance.now() - down);
    workload.phase = 'catch-up';
    // Caught up: the slot confirmed all but a little WAL (the load goes on).
    catchUpMs.push(
      await timeUntil(async () => (await lagBytes(primary)) < 64 * 1024, 'replication catch-up', {
        timeoutMs: 60_000,
        everyMs: 50,
      }),
    );
    workload.phase = 'baseline';
  }
  await settleWithin(workload.done(), 120_000, 'workload');
  const loadMs = performance.now() - started;
  const [end] = await primary.sql('select pg_current_wal_lsn()::text as lsn');
  const finalMs = await timeUntil(
    async () => {
      const [slot] = await primary.sql(
        `select confirmed_flush_lsn >= '${String(end?.lsn)}'::pg_lsn as done from pg_replication_slots where slot_name = 'multidb_backup'`,
      );
      return slot?.done === true;
    },
    'replication to confirm the last write',
    { timeoutMs: 60_000, everyMs: 50 },
  );
  const status = (await replicationStatus(options))._unsafeUnwrap();
  const metrics = app.writer.metrics();
  const drift = await compareBackup(cluster);
  const w = workload.writeLatency;

  await recordScenario(
    {
      id: 8,
      scenario: 'Backup by logical replication, stopped and restarted 3 times (dual-write composed in)',
      load: `${workload.writes.toLocaleString('en-US')} mixed writes (4 workers) + ${workload.reads.toLocaleString('en-US')} reads, ${ms(loadMs)}`,
      faults: `backup \`pg_ctl stop -m fast\` ×${OUTAGES}, each for ${WRITES_PER_OUTAGE} writes (${outageMs.map(ms).join(', ')}); peak slot lag ${(peakLag / 1024).toFixed(0)} KiB`,
      errors: `primary: ${workload.failedWrites.length} writes, ${workload.failedReads.length} reads failed; subscription: ${status.applyErrors} apply, ${status.syncErrors} copy errors; dual-write left ${leftToReplication.size} replicated tables to the subscription (${metrics.applied} captured rows handed over, none written by it)`,
      rowsLost: `${drift.missing}`,
      driftAfter: describeDrift(drift),
      timings: `set-up with the initial copy ${ms(setupMs)}; write p99 ${ms(w.percentile(99, 'baseline'))} (p50 ${ms(w.percentile(50, 'baseline'))}), ${ms(w.percentile(99, 'outage'))} during outages; caught up after each restart in ${catchUpMs.map(ms).join(', ')}; last write confirmed ${ms(finalMs)} after the load ended; drift check ${ms(drift.ms)}`,
    },
    cluster.version,
  );

  expect(countByCode(workload.failedWrites)).toEqual({});
  expect(countByCode(workload.failedReads)).toEqual({});
  expect(workload.writes).toBe(TOTAL_WRITES);
  expect(status.applyErrors).toBe(0);
  expect(status.tables.every((t) => t.state === 'ready')).toBe(true);
  expect(leftToReplication.size, 'dual-write left the replicated tables to the subscription').toBeGreaterThan(
    0,
  );
  expect(metrics.deadLettered).toBe(0);
  expectNoDrift(drift);
});
