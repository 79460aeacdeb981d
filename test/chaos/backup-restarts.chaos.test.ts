import type { PgNode } from '@multidb/testing';
import { expect, it } from 'vitest';
import { describeBacklog, repairBacklog } from './support/chaos-app.js';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { replicaSpecs, useChaosCluster } from './support/chaos-fixture.js';
import { countByCode } from './support/error-code.js';
import { ms } from './support/latency.js';
import { recordScenario } from './support/reliability-report.js';
import { settleWithin } from './support/wait-for.js';
import { Workload } from './support/workload.js';

// Scenario 1: the backup server is stopped and restarted three times while 10,000 mixed writes run.
const TOTAL_WRITES = 10_000;
const OUTAGES = 3;
const WRITES_PER_OUTAGE = 800;
/** A queue this short is steady-state traffic, not an outage's backlog. */
const CAUGHT_UP_ROWS = 200;

const fixture = useChaosCluster({ replicas: 1 }, (cluster) => ({
  replicas: replicaSpecs(cluster, [{ name: 'replica-0' }]),
}));

it('backup stopped and restarted 3 times during 10,000 mixed writes: 0 primary errors, 0 drift after drain', async () => {
  const { cluster, app } = fixture;
  const backup = cluster.pg.backup as PgNode;
  const workload = new Workload({
    clients: app.clients,
    workers: 4,
    seed: 101,
    label: 's1',
    maxWrites: TOTAL_WRITES,
  });
  const started = performance.now();
  workload.phase = 'warm-up';
  workload.start();
  await workload.untilWrites(300);
  workload.phase = 'baseline';
  const outageMs: number[] = [];
  /** Per restart: when dual-write applied again, and when the outage's backlog was gone (undefined: not before
   * the next outage or the end of the load). */
  const recoveries: { resumedMs?: number; drainedMs?: number }[] = [];
  let peakDepth = 0;
  let restartedAt = 0;
  // Back to 'baseline' once the outage's backlog is applied (under CAUGHT_UP_ROWS queued) while the load goes on.
  const keeper = setInterval(() => {
    const current = recoveries.at(-1);
    if (workload.phase !== 'catch-up' || current === undefined) return;
    const m = app.writer.metrics();
    if (m.backupReachable && m.applied > 0) current.resumedMs ??= performance.now() - restartedAt;
    if (current.resumedMs === undefined || m.depth >= CAUGHT_UP_ROWS) return;
    current.drainedMs = performance.now() - restartedAt;
    workload.phase = 'baseline';
  }, 10);
  for (let i = 0; i < OUTAGES; i++) {
    await workload.untilWrites(1000 + i * 3000);
    workload.phase = 'outage';
    const down = performance.now();
    await backup.stop();
    const first = workload.writes;
    await workload.untilWrites(first + WRITES_PER_OUTAGE);
    peakDepth = Math.max(peakDepth, app.writer.metrics().depth);
    await backup.start();
    outageMs.push(performance.now() - down);
    restartedAt = performance.now();
    recoveries.push({});
    workload.phase = 'catch-up';
  }
  await settleWithin(workload.done(), 120_000, 'workload');
  clearInterval(keeper);
  const loadMs = performance.now() - started;
  const flushStart = performance.now();
  const flushed = await app.writer.flush(90_000);
  const drainMs = performance.now() - flushStart;
  const backlog = await repairBacklog(app.writer);
  const metrics = app.writer.metrics();
  const drift = await compareBackup(cluster);
  const w = workload.writeLatency;
  const recovered = (key: 'resumedMs' | 'drainedMs') =>
    recoveries
      .map((r, i) => {
        const value = r[key];
        if (value !== undefined) return `after ${ms(value)}`;
        return i < recoveries.length - 1 ? 'not before the next outage' : 'not before the load ended';
      })
      .join(' / ');

  await recordScenario(
    {
      id: 1,
      scenario: 'Backup stopped and restarted 3 times (memory mode)',
      load: `${workload.writes.toLocaleString('en-US')} mixed writes (4 workers) + ${workload.reads.toLocaleString('en-US')} reads via read intent, ${ms(loadMs)}`,
      faults: `backup \`pg_ctl stop -m fast\` ×${OUTAGES}, each for ${WRITES_PER_OUTAGE} writes (${outageMs.map(ms).join(', ')}); peak queue ${peakDepth} rows`,
      errors: `primary: ${workload.failedWrites.length} writes, ${workload.failedReads.length} reads failed; backup: ${metrics.retried} rows retried, ${describeBacklog(backlog)}`,
      rowsLost: `${drift.missing}`,
      driftAfter: describeDrift(drift),
      timings: `write p99 ${ms(w.percentile(99, 'baseline'))} without faults (p50 ${ms(w.percentile(50, 'baseline'))}), ${ms(w.percentile(99, 'outage'))} during outages (p50 ${ms(w.percentile(50, 'outage'))}), ${ms(w.percentile(99, 'catch-up'))} while the backup caught up; after each restart (retries of an unreachable backup back off to every 2 s) dual-write applied again: ${recovered('resumedMs')}; its backlog was gone: ${recovered('drainedMs')} (under load); final flush ${ms(drainMs)}; drift check ${ms(drift.ms)}`,
    },
    cluster.version,
  );

  expect(countByCode(workload.failedWrites)).toEqual({});
  expect(countByCode(workload.failedReads)).toEqual({});
  expect(workload.writes).toBe(TOTAL_WRITES);
  expect(w.count('outage')).toBeGreaterThanOrEqual(OUTAGES * WRITES_PER_OUTAGE);
  expect(flushed).toBe(true);
  expect(metrics).toMatchObject({ depth: 0, backupReachable: true });
  expect(backlog.applied).toBe(true);
  expect(app.writer.deadLetters()).toEqual([]);
  expect(metrics.retried).toBeGreaterThan(0);
  expectNoDrift(drift);
});
