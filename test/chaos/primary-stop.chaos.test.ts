import { isConnectionError } from '@multidb/router';
import { afterAll, expect, it } from 'vitest';
import { flushUntilDone } from './support/chaos-app.js';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { nodesByPort, replicaSpecs, useChaosCluster } from './support/chaos-fixture.js';
import { countByCode } from './support/error-code.js';
import { ms, percentile } from './support/latency.js';
import { ReadLoad } from './support/read-load.js';
import { recordScenario } from './support/reliability-report.js';
import { sleep, timeUntil } from './support/wait-for.js';
import { Workload } from './support/workload.js';

// Scenario 5: the primary is stopped under load and started again; the app is never restarted.
const CONNECT_TIMEOUT_S = 2;
const OUTAGE_MS = 3000;
const HEALTH = { intervalMs: 250, timeoutMs: 500, failuresToDown: 2, successesToUp: 2 };

const fixture = useChaosCluster({ replicas: 2, outbox: true }, (cluster) => ({
  replicas: replicaSpecs(cluster, [{ name: 'replica' }, { name: 'dr', role: 'dr' }]),
  health: HEALTH,
  mode: 'durable',
}));
afterAll(() => fixture.cluster.pg.primary.start().catch(() => {}));

it('primary stopped: writes fail fast with a typed error, reads keep being served, writes resume without a restart', async () => {
  const { cluster, app } = fixture;
  const primary = cluster.pg.primary;
  const { router } = app;
  const nodes = nodesByPort(cluster, ['replica', 'dr']);
  const reads = new ReadLoad({ client: () => router.getClient('read'), readers: 3, nodes });
  const workload = new Workload({ clients: app.clients, workers: 3, seed: 501, label: 's5', readRatio: 0 });
  reads.start();
  workload.start();
  await sleep(2000);

  workload.phase = 'outage';
  reads.phase = 'outage';
  const stoppedAt = performance.now();
  await primary.stop();
  const stopMs = performance.now() - stoppedAt;
  const downMs = await timeUntil(() => !router.getHealthStatus().writable, 'primary marked down');
  await sleep(OUTAGE_MS);
  const writesBeforeRestart = workload.writes;

  workload.phase = 'recovery';
  reads.phase = 'recovery';
  const restartAt = performance.now();
  await primary.start();
  const startMs = performance.now() - restartAt;
  const resumeMs = await timeUntil(() => workload.writes > writesBeforeRestart, 'writes resume');
  const healthyMs = await timeUntil(() => router.getHealthStatus().writable, 'primary healthy again');
  await workload.untilWrites(workload.writes + 300);
  await Promise.all([reads.stop(), workload.stop()]);
  // The drainer leads again once its own primary connections are back (postgres.js reconnect backoff).
  const drained = await flushUntilDone(app.writer, 90_000);
  const drainedMs = performance.now() - restartAt;
  const drift = await compareBackup(cluster);

  // Writes in flight when the stop began fail too: every failure ended after it.
  const outageFailures = workload.failedWrites;
  // Typed: the router's PrimaryUnavailable, carrying the driver's connection error.
  const untyped = outageFailures.filter((f) => !isPrimaryUnavailable(f.code));
  const slowestFailMs = Math.max(0, ...outageFailures.map((f) => f.ms));
  const readsDuringOutage = reads.latency.count('outage');
  const servedBetween = (from: number, to: number) =>
    ['replica', 'dr', 'primary']
      .map(
        (node) =>
          `${node} ${reads.served.filter((r) => r.node === node && r.at >= from && r.at < to).length}`,
      )
      .join(', ');
  const servedDuringOutage = servedBetween(stoppedAt, restartAt);
  // The primary must not take the reads its replicas can serve while their receivers reconnect.
  const servedAfterRestart = servedBetween(restartAt, Number.POSITIVE_INFINITY);
  const primaryAfterRestart = reads.served.filter((r) => r.node === 'primary' && r.at >= restartAt).length;
  const readsAfterRestart = reads.served.filter((r) => r.at >= restartAt).length;

  await recordScenario(
    {
      id: 5,
      scenario: 'Primary stopped and restarted (durable mode)',
      load: `${workload.writes.toLocaleString('en-US')} mixed writes (3 workers), ${reads.reads.toLocaleString('en-US')} reads (3 readers; replica + DR)`,
      faults: `primary \`pg_ctl stop -m fast\` (${ms(stopMs)}) for ${ms(OUTAGE_MS)} + restart (${ms(startMs)}); router connect timeout ${CONNECT_TIMEOUT_S} s`,
      errors: `${outageFailures.length} writes failed during the outage, all PrimaryUnavailable with the driver's connection error (${JSON.stringify(countByCode(outageFailures))}), none before it; ${reads.failures.length} failed reads`,
      rowsLost: `${drift.missing}`,
      driftAfter: describeDrift(drift),
      timings: `primary marked down ${ms(downMs)} after the stop returned; failed writes took at most ${ms(slowestFailMs)} (p99 ${ms(
        percentile(
          outageFailures.map((f) => f.ms),
          99,
        ),
      )}); ${readsDuringOutage} reads during the outage (${servedDuringOutage}), ${readsAfterRestart} after the restart (${servedAfterRestart}), read p99 ${ms(reads.latency.percentile(99, 'baseline'))} before / ${ms(reads.latency.percentile(99, 'outage'))} during; first write ${ms(resumeMs)} after the restart returned, primary healthy after ${ms(healthyMs)}; outbox ${drained ? `drained to the backup ${ms(drainedMs)} after the restart began` : `NOT drained ${ms(drainedMs)} after the restart began (drainer leads: ${app.writer.drainer?.isLeader}; last error: ${app.writer.metrics().lastError ?? 'none'})`}`,
    },
    cluster.version,
  );

  expect(outageFailures.length).toBeGreaterThan(0);
  expect(untyped).toEqual([]);
  expect(slowestFailMs).toBeLessThan(CONNECT_TIMEOUT_S * 1000);
  expect(countByCode(reads.failures)).toEqual({});
  expect(readsDuringOutage).toBeGreaterThan(0);
  expect(primaryAfterRestart / Math.max(1, readsAfterRestart)).toBeLessThanOrEqual(0.05);
  expect(outageFailures.filter((f) => f.at + f.ms < stoppedAt)).toEqual([]);
  expect(drained).toBe(true);
  expectNoDrift(drift);
});

function isPrimaryUnavailable(code: string): boolean {
  const [typed, driverCode = ''] = code.split(':');
  return typed === 'PrimaryUnavailable' && isConnectionError({ code: driverCode });
}
