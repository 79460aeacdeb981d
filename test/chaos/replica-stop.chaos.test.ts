import type { PgNode } from '@multidb/testing';
import { expect, it } from 'vitest';
import { nodeStatus } from './support/chaos-app.js';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { nodesByPort, replicaSpecs, useChaosCluster } from './support/chaos-fixture.js';
import { countByCode } from './support/error-code.js';
import { ms } from './support/latency.js';
import { ReadLoad } from './support/read-load.js';
import { recordScenario } from './support/reliability-report.js';
import { sleep, timeUntil } from './support/wait-for.js';
import { Workload } from './support/workload.js';

// Scenario 4: a replica is stopped (pg_ctl -m fast) during a read load through the router, then restarted.
const HEALTH = { intervalMs: 250, timeoutMs: 500, failuresToDown: 2, successesToUp: 2 };

const fixture = useChaosCluster({ replicas: 2 }, (cluster) => ({
  replicas: replicaSpecs(cluster, [{ name: 'r0' }, { name: 'r1' }]),
  health: HEALTH,
}));

it('a replica stopped during a read load: 0 failed reads, out of rotation, back in rotation after restart', async () => {
  const { cluster, app } = fixture;
  const r0 = cluster.pg.replicas[0] as PgNode;
  const { router } = app;
  const status = (name: string) => nodeStatus(router, name);
  const nodes = nodesByPort(cluster, ['r0', 'r1']);
  const reads = new ReadLoad({ client: () => router.getClient('read'), readers: 4, nodes });
  const workload = new Workload({ clients: app.clients, workers: 2, seed: 401, label: 's4', readRatio: 0 });
  reads.start();
  workload.start();
  await sleep(2000);

  reads.phase = 'replica down';
  const stoppedAt = performance.now();
  await r0.stop();
  const stopMs = performance.now() - stoppedAt;
  await timeUntil(() => !status('r0').inRotation, 'r0 out of rotation');
  const outAt = performance.now();
  const outMs = outAt - stoppedAt;
  await sleep(2000);
  const servedWhileOut = reads.servedBy('r0', outAt);

  reads.phase = 'replica back';
  const restartAt = performance.now();
  await r0.start();
  const startMs = performance.now() - restartAt;
  await timeUntil(() => status('r0').inRotation, 'r0 back in rotation');
  const backMs = performance.now() - restartAt;
  await timeUntil(() => reads.servedBy('r0', restartAt) > 0, 'r0 serving reads again');
  const firstServed = reads.served.find((r) => r.node === 'r0' && r.at >= restartAt);
  const servingMs = (firstServed?.at ?? Number.NaN) - restartAt;
  await sleep(1000);
  reads.phase = 'after';
  await sleep(1000);
  await Promise.all([reads.stop(), workload.stop()]);
  const flushed = await app.writer.flush(30_000);
  const drift = await compareBackup(cluster);
  const metrics = router.getMetrics();
  const p99 = (phase: string) => ms(reads.latency.percentile(99, phase));

  await recordScenario(
    {
      id: 4,
      scenario: 'Replica stopped during a read load',
      load: `${reads.reads.toLocaleString('en-US')} reads (4 readers, read intent, 2 replicas) + ${workload.writes.toLocaleString('en-US')} mixed writes (2 workers)`,
      faults: `replica r0 \`pg_ctl stop -m fast\` (${ms(stopMs)}), restarted after 2 s out of rotation (start ${ms(startMs)}); health every ${HEALTH.intervalMs} ms, ${HEALTH.failuresToDown} failures down, ${HEALTH.successesToUp} successes up`,
      errors: `${reads.failures.length} failed reads, ${workload.failedWrites.length} failed writes; ${metrics.retries} reads retried on another node, ${metrics.nodes.r0?.connectionErrors ?? 0} connection errors on r0`,
      rowsLost: `${drift.missing}`,
      driftAfter: describeDrift(drift),
      timings: `out of rotation ${ms(outMs)} after the stop began; back in rotation ${ms(backMs)} after the restart began, first read served by it ${ms(servingMs)} after; read p99 ${p99('baseline')} before, ${p99('replica down')} while down, ${p99('after')} after`,
    },
    cluster.version,
  );

  expect(countByCode(reads.failures)).toEqual({});
  expect(countByCode(workload.failedWrites)).toEqual({});
  expect(servedWhileOut).toBe(0);
  expect(reads.servedBy('r0', restartAt)).toBeGreaterThan(0);
  expect(reads.servedBy('r1', outAt)).toBeGreaterThan(0);
  expect(flushed).toBe(true);
  expectNoDrift(drift);
});
