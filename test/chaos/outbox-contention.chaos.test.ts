import { afterAll, expect, it } from 'vitest';
import { AppProcess } from './support/app-process.js';
import { drainWithNewInstance } from './support/chaos-app.js';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { useChaosCluster } from './support/chaos-fixture.js';
import { ms } from './support/latency.js';
import { recordScenario } from './support/reliability-report.js';

// Scenario 3: two application processes (outbox mode, each with its drainer; one leads) update the same rows.
const WRITES_PER_PROCESS = 1500;

const fixture = useChaosCluster({ outbox: true });
const processes: AppProcess[] = [];
afterAll(() => Promise.all(processes.map((p) => p.kill())));

it('two processes updating the same rows concurrently (outbox mode): the backup equals the primary', async () => {
  const { cluster } = fixture;
  const started = performance.now();
  for (const i of [0, 1])
    processes.push(
      new AppProcess({
        primaryUrl: cluster.primaryUrl,
        backupUrl: cluster.backupUrl,
        role: 'contend',
        seed: 3000 + i * 10,
        label: `s3p${i}`,
        maxWrites: WRITES_PER_PROCESS,
      }),
    );
  const [a, b] = processes as [AppProcess, AppProcess];
  const leaders = new Set<number>();
  const watch = setInterval(() => {
    processes.forEach((p, i) => {
      if (p.state.leader) leaders.add(i);
    });
  }, 50);
  const reports = await Promise.all([a.finished(), b.finished()]);
  clearInterval(watch);
  const loadMs = performance.now() - started;

  // Whatever the exiting processes left in the outbox: a new instance drains it.
  const { drained, ms: drainMs } = await drainWithNewInstance(cluster.primaryUrl, cluster.backupUrl);
  const drift = await compareBackup(cluster);
  const [dead] = await cluster.pg.primary.sql(
    'select count(*)::int as n from multidb.dual_write_dead_letter',
  );
  const failed = reports.flatMap((r) => Object.entries(r.failed));

  await recordScenario(
    {
      id: 3,
      scenario: 'Two app processes updating the same rows (outbox mode)',
      load: `2 processes × ${WRITES_PER_PROCESS} writes (3 workers each): increments and status changes of the same 30 invoices and 10 clients, multi-row transactions, inserts and upserts, ${ms(loadMs)}`,
      faults:
        'write/write contention on the same rows across processes; drainer leadership contended by both',
      errors: `${failed.reduce((n, [, c]) => n + c, 0)} failed writes ${JSON.stringify(Object.fromEntries(failed))}; ${Number(dead?.n)} dead letters; drainer leaders seen: ${[...leaders].map((i) => `process ${i}`).join(', ') || 'none'}`,
      rowsLost: `${drift.missing}`,
      driftAfter: describeDrift(drift),
      timings: `last outbox entries ${drained ? 'drained' : 'NOT drained'} by a new instance in ${ms(drainMs)}; drift check ${ms(drift.ms)}`,
    },
    cluster.version,
  );

  expect(reports.map((r) => r.writes)).toEqual([WRITES_PER_PROCESS, WRITES_PER_PROCESS]);
  expect(failed).toEqual([]);
  expect(leaders.size).toBeGreaterThan(0);
  expect(Number(dead?.n)).toBe(0);
  expect(drained).toBe(true);
  expectNoDrift(drift);
});
