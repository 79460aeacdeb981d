import { executeRows } from '@multidb/config';
import { clients } from '@multidb/example-app';
import type { PgNode } from '@multidb/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { type ChaosApp, nodeStatus } from './support/chaos-app.js';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { nodesByPort, replicaSpecs, useChaosCluster } from './support/chaos-fixture.js';
import { countByCode, errorCode } from './support/error-code.js';
import { ms } from './support/latency.js';
import { ReadLoad } from './support/read-load.js';
import { recordScenario } from './support/reliability-report.js';
import { sleep, timeUntil } from './support/wait-for.js';
import { Workload } from './support/workload.js';

// Scenario 7: replay paused on one replica (real lag): reads carrying a fresh consistency token never see stale
// data; reads without one leave the lagging replica once it is over the lag limit.
const LAG = { maxSeconds: 1, maxBytes: 1024 * 1024 };
const HEALTH = { intervalMs: 200, timeoutMs: 500, failuresToDown: 2, successesToUp: 2 };

const fixture = useChaosCluster({ replicas: 2 }, (cluster) => ({
  replicas: replicaSpecs(cluster, [{ name: 'r0' }, { name: 'r1' }]),
  health: HEALTH,
  lag: LAG,
}));
afterAll(() => fixture.cluster.pg.replicas[0]?.resumeReplay().catch(() => {}));

interface TokenReads {
  checked: number;
  stale: number;
  readonly servedBy: Map<string, number>;
  readonly failures: { code: string }[];
}

/**
 * Write a unique value, take a token, and read the row back through the read intent with the token, at once or as
 * a next request would (up to 400 ms later, when the replicas' positions have been probed again): never stale.
 * Each loop owns its rows, so a newer value is never another loop's write.
 */
async function tokenLoop(
  app: ChaosApp,
  ids: readonly string[],
  nodes: Map<number, string>,
  into: TokenReads,
  running: () => boolean,
) {
  const { router } = app;
  for (let i = 0; running(); i++) {
    const id = ids[i % ids.length] as string;
    const value = `token-${id.slice(0, 8)}-${i}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      const token = await router.withConsistency(undefined, async () => {
        await router.getClient('write').update(clients).set({ name: value }).where(eq(clients.id, id));
        return router.consistencyToken();
      });
      if (i % 2 === 1) await sleep(100 + Math.random() * 300);
      const [row] = await executeRows<{ name: string; port: number }>(
        router.getClient('read', { token }),
        sql`select name, inet_server_port() as port from customer.clients where id = ${id}`,
      );
      into.checked++;
      if (row?.name !== value) into.stale++;
      const node = nodes.get(Number(row?.port)) ?? 'unknown';
      into.servedBy.set(node, (into.servedBy.get(node) ?? 0) + 1);
    } catch (error) {
      into.failures.push({ code: errorCode(error) });
    }
  }
}

it('replay paused: fresh tokens never read stale data; untokened reads leave the replica once over the limit', async () => {
  const { cluster, app } = fixture;
  const r0 = cluster.pg.replicas[0] as PgNode;
  const { router } = app;
  const status = (name: string) => nodeStatus(router, name);
  const nodes = nodesByPort(cluster, ['r0', 'r1']);
  const seeded = await app.clients.read().select({ id: clients.id }).from(clients).limit(12);
  const ids = seeded.map((c) => c.id);
  const LOOPS = 4;
  const own = (k: number) => ids.filter((_, i) => i % LOOPS === k);
  const tokens: TokenReads = { checked: 0, stale: 0, servedBy: new Map(), failures: [] };
  const pausedTokens: TokenReads = { checked: 0, stale: 0, servedBy: new Map(), failures: [] };
  let phase: 'before' | 'paused' | 'after' = 'before';
  const running = (p: typeof phase) => () => phase === p;
  const reads = new ReadLoad({ client: () => router.getClient('read'), readers: 3, nodes });
  const workload = new Workload({ clients: app.clients, workers: 2, seed: 701, label: 's7', readRatio: 0 });
  reads.start();
  workload.start();
  let loops = [0, 1, 2, 3].map((k) => tokenLoop(app, own(k), nodes, tokens, running('before')));
  await sleep(1500);
  const servedBeforePause = reads.servedBy('r0');

  phase = 'paused';
  await Promise.all(loops);
  reads.phase = 'paused';
  const pausedAt = performance.now();
  await r0.pauseReplay();
  loops = [0, 1, 2, 3].map((k) => tokenLoop(app, own(k), nodes, pausedTokens, running('paused')));
  await timeUntil(() => !status('r0').inRotation, 'r0 out of rotation (lag)');
  const awayMs = performance.now() - pausedAt;
  const awayAt = performance.now();
  await sleep(2500);
  const lagAtPeak = status('r0');
  const untokenedOnLaggingReplica = reads.servedBy('r0', awayAt);

  phase = 'after';
  await Promise.all(loops);
  reads.phase = 'resumed';
  const resumedAt = performance.now();
  await r0.resumeReplay();
  await timeUntil(() => status('r0').inRotation, 'r0 back in rotation');
  const backMs = performance.now() - resumedAt;
  await timeUntil(() => reads.servedBy('r0', resumedAt) > 0, 'r0 serving untokened reads again');
  await Promise.all([reads.stop(), workload.stop()]);
  const flushed = await app.writer.flush(30_000);
  const drift = await compareBackup(cluster);
  const servedText = (t: TokenReads) =>
    [...t.servedBy.entries()].map(([node, n]) => `${node} ${n}`).join(', ');

  await recordScenario(
    {
      id: 7,
      scenario: 'Replica replay paused (lag) with consistency tokens',
      load: `${(tokens.checked + pausedTokens.checked).toLocaleString('en-US')} write→token→read checks (4 loops), ${reads.reads.toLocaleString('en-US')} untokened reads (3 readers), ${workload.writes.toLocaleString('en-US')} mixed writes (2 workers)`,
      faults: `\`pg_wal_replay_pause()\` on r0 for ${ms(resumedAt - pausedAt)}; lag limit ${LAG.maxSeconds} s / ${LAG.maxBytes / 1024} KiB, health every ${HEALTH.intervalMs} ms`,
      errors: `${tokens.failures.length + pausedTokens.failures.length} failed token checks, ${reads.failures.length} failed reads, ${workload.failedWrites.length} failed writes; stale reads with a fresh token: ${tokens.stale + pausedTokens.stale} of ${tokens.checked + pausedTokens.checked}`,
      rowsLost: `${drift.missing}`,
      driftAfter: describeDrift(drift),
      timings: `untokened reads left r0 ${ms(awayMs)} after the pause (lag then ${(lagAtPeak.lagSeconds ?? Number.NaN).toFixed(1)} s / ${Math.round((lagAtPeak.lagBytes ?? Number.NaN) / 1024)} KiB); back ${ms(backMs)} after resume; tokened reads served by: ${servedText(tokens)} before the pause, ${servedText(pausedTokens)} while paused`,
    },
    cluster.version,
  );

  expect(tokens.stale + pausedTokens.stale).toBe(0);
  expect(pausedTokens.checked).toBeGreaterThan(20);
  expect(pausedTokens.servedBy.get('r0') ?? 0).toBe(0);
  expect(servedBeforePause).toBeGreaterThan(0);
  expect(untokenedOnLaggingReplica).toBe(0);
  expect(lagAtPeak.inRotation).toBe(false);
  expect(countByCode([...tokens.failures, ...pausedTokens.failures, ...reads.failures])).toEqual({});
  expect(countByCode(workload.failedWrites)).toEqual({});
  expect(flushed).toBe(true);
  expectNoDrift(drift);
});
