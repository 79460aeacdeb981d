import { createRandom } from '@multidb/example-app';
import { afterAll, expect, it } from 'vitest';
import { AppProcess } from './support/app-process.js';
import { drainWithNewInstance } from './support/chaos-app.js';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { useChaosCluster } from './support/chaos-fixture.js';
import { ms } from './support/latency.js';
import { recordScenario } from './support/reliability-report.js';
import { sleep } from './support/wait-for.js';

// Scenario 2: durable (outbox) mode; the application process is SIGKILLed at 5 random moments and restarted.
const KILLS = 5;

const fixture = useChaosCluster({ outbox: true });
const processes: AppProcess[] = [];
afterAll(() => Promise.all(processes.map((p) => p.kill())));

const outboxDepth = async () =>
  Number(
    (await fixture.cluster.pg.primary.sql('select count(*)::int as n from multidb.dual_write_outbox'))[0]?.n,
  );
const deadLetters = async () =>
  Number(
    (await fixture.cluster.pg.primary.sql('select count(*)::int as n from multidb.dual_write_dead_letter'))[0]
      ?.n,
  );

it('SIGKILL at 5 random moments, restarted each time: 0 lost or extra rows on the backup after drain', async () => {
  const { cluster } = fixture;
  const random = createRandom(202);
  const start = (i: number) => {
    const p = new AppProcess({
      primaryUrl: cluster.primaryUrl,
      backupUrl: cluster.backupUrl,
      role: 'mixed',
      seed: 2000 + i * 10,
      label: `s2p${i}`,
    });
    processes.push(p);
    return p;
  };
  const kills: { afterMs: number; writes: number; leftInOutbox: number }[] = [];
  for (let i = 0; i < KILLS; i++) {
    const app = start(i);
    await app.until((s) => s.writes > 0);
    const afterMs = random.int(200, 1500);
    await sleep(afterMs);
    await app.kill();
    kills.push({ afterMs, writes: app.state.writes, leftInOutbox: await outboxDepth() });
  }
  const last = start(KILLS);
  await last.until((s) => s.writes >= 300);
  const report = await last.stop();
  const acknowledged = kills.reduce((sum, k) => sum + k.writes, 0) + report.writes;

  // The crashed processes' committed rows still in the outbox: a fresh app instance drains them.
  const leftover = await outboxDepth();
  const { drained, ms: drainMs } = await drainWithNewInstance(cluster.primaryUrl, cluster.backupUrl);
  const drift = await compareBackup(cluster);
  const dead = await deadLetters();

  await recordScenario(
    {
      id: 2,
      scenario: 'Durable (outbox) mode, app process SIGKILLed 5 times',
      load: `${acknowledged.toLocaleString('en-US')} acknowledged mixed writes (3 workers per process) over 6 process lifetimes`,
      faults: `SIGKILL after ${kills.map((k) => ms(k.afterMs)).join(', ')} of writing (${kills.map((k) => k.writes).join(', ')} writes acknowledged by each), restarted each time`,
      errors: `${Object.values(report.failed).reduce((a, b) => a + b, 0)} failed writes in the last process; ${dead} dead letters`,
      rowsLost: `${drift.missing} lost, ${drift.extra} extra`,
      driftAfter: describeDrift(drift),
      timings: `outbox entries left by each kill: ${kills.map((k) => k.leftInOutbox).join(', ')}; ${leftover} left after the last process drained and exited, ${drained ? 'drained' : 'NOT drained'} by a new instance in ${ms(drainMs)}`,
    },
    cluster.version,
  );

  expect(report.failed).toEqual({});
  expect(kills.every((k) => k.writes > 0)).toBe(true);
  expect(dead).toBe(0);
  expect(await outboxDepth()).toBe(0);
  expect(drained).toBe(true);
  expectNoDrift(drift);
});
