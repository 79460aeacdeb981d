import { connect } from '@multidb/config';
import type { PgNode } from '@multidb/testing';
import { afterAll, expect, it } from 'vitest';
import { errorKinds, watchBackup } from './support/backup-watch.js';
import { describeBacklog, repairBacklog } from './support/chaos-app.js';
import { compareBackup, describeDrift, expectNoDrift } from './support/chaos-cluster.js';
import { useChaosCluster } from './support/chaos-fixture.js';
import { countByCode } from './support/error-code.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { ms } from './support/latency.js';
import { recordScenario } from './support/reliability-report.js';
import { sleep } from './support/wait-for.js';
import { Workload } from './support/workload.js';

// Scenario 6: the backup behind a loopback TCP proxy the test controls: added latency, reset connections, then a
// black hole (connections accepted, never answered). The primary path must not notice.
const LATENCY_MS = 100;
const PHASE_WRITES = 1200;
const RESET_MS = 2000;
const BLACKHOLE_MS = 5000;
const CONNECT_TIMEOUT_S = 1;
const STATEMENT_TIMEOUT_MS = 2000;
// Client-side bound of a backup batch: what notices a frozen connection (the server never sees the statement).
const APPLY_TIMEOUT_MS = 3000;
const LOCK_MS = 4000;

let proxy: FaultProxy;
const fixture = useChaosCluster({}, async (cluster) => {
  proxy = await startFaultProxy({ host: '127.0.0.1', port: (cluster.pg.backup as PgNode).port });
  return {
    backupUrl: proxy.proxiedUrl(cluster.backupUrl),
    backupConnectTimeout: CONNECT_TIMEOUT_S,
    writer: { statementTimeoutMs: STATEMENT_TIMEOUT_MS, applyTimeoutMs: APPLY_TIMEOUT_MS },
  };
});
// Registered after the fixture's, so it runs first: the app closes through a healed (then closed) proxy.
afterAll(async () => {
  proxy?.heal();
  await proxy?.close();
});

interface PhaseFigures {
  readonly errors: string[];
  readonly detectedAfterMs: number | undefined;
  readonly peakDepth: number;
}

it('latency, resets and black holes between app and backup: primary unaffected, timeouts fire, backup converges', async () => {
  const { cluster, app } = fixture;
  const workload = new Workload({ clients: app.clients, workers: 4, seed: 601, label: 's6' });
  const watch = watchBackup(app.writer);
  const phases: Record<string, PhaseFigures> = {};
  const phase = async (name: string, run: () => Promise<void>) => {
    const observed = watchBackup(app.writer, 10);
    workload.phase = name;
    await run();
    const o = observed.stop();
    phases[name] = {
      errors: errorKinds(o.errors),
      detectedAfterMs: o.detectedAfterMs,
      peakDepth: o.peakDepth,
    };
  };
  const writes = (n: number) => () => workload.untilWrites(workload.writes + n);
  workload.phase = 'warm-up';
  workload.start();
  await workload.untilWrites(300);
  await phase('baseline', writes(PHASE_WRITES));
  await phase('latency', async () => {
    proxy.setMode('latency', { latencyMs: LATENCY_MS });
    await workload.untilWrites(workload.writes + PHASE_WRITES);
  });
  // From a working state: the connection in use freezes mid-statement, new ones are swallowed.
  await phase('black hole (open connections)', async () => {
    proxy.setMode('blackhole');
    await sleep(BLACKHOLE_MS);
  });
  proxy.heal();
  await phase('healed', writes(PHASE_WRITES / 2));
  // A slow backup instead of a slow network: a table the workload writes is locked there, so a backup batch
  // waits until dual-write's lock_timeout/statement_timeout (statementTimeoutMs) cancels it.
  await phase('backup table locked', async () => {
    const admin = await connect(cluster.backupUrl, { max: 1 });
    try {
      await admin.exec(
        `BEGIN; LOCK TABLE workspace.audit_log IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(${LOCK_MS / 1000}); COMMIT;`,
      );
    } finally {
      await admin.close();
    }
  });
  await phase('reset', async () => {
    proxy.setMode('reset');
    await sleep(RESET_MS);
  });
  // After the resets no connection is open: every new one is accepted and never answered.
  await phase('black hole (new connections)', async () => {
    proxy.setMode('blackhole');
    await sleep(BLACKHOLE_MS);
  });
  const blackholed = proxy.stats.blackholed;
  const healStart = performance.now();
  proxy.heal();
  await phase('after', writes(PHASE_WRITES));
  await workload.stop();
  const flushed = await app.writer.flush(60_000);
  const convergeMs = performance.now() - healStart;
  const backlog = await repairBacklog(app.writer);
  const seen = watch.stop();
  const metrics = app.writer.metrics();
  const drift = await compareBackup(cluster);
  const w = workload.writeLatency;
  const p99 = (name: string) => ms(w.percentile(99, name));
  const faultPhases = Object.entries(phases).filter(([name]) => name !== 'baseline' && name !== 'after');

  await recordScenario(
    {
      id: 6,
      scenario: 'Backup network faults through a TCP proxy (memory mode)',
      load: `${workload.writes.toLocaleString('en-US')} mixed writes (4 workers) + ${workload.reads.toLocaleString('en-US')} reads`,
      faults: `+${LATENCY_MS} ms each way for ${PHASE_WRITES} writes; black hole ${ms(BLACKHOLE_MS)} from a working state; connections reset for ${ms(RESET_MS)}; black hole ${ms(BLACKHOLE_MS)} after the resets (${blackholed} connections accepted and never answered); a backup table locked for ${ms(LOCK_MS)}; backup connect_timeout ${CONNECT_TIMEOUT_S} s, statementTimeoutMs ${STATEMENT_TIMEOUT_MS}, applyTimeoutMs ${APPLY_TIMEOUT_MS}`,
      errors: `primary: ${workload.failedWrites.length} writes, ${workload.failedReads.length} reads failed; backup: ${faultPhases
        .map(([name, f]) => `${name} [${f.errors.join(', ') || 'none'}]`)
        .join(', ')}; ${describeBacklog(backlog)}`,
      rowsLost: `${drift.missing}`,
      driftAfter: describeDrift(drift),
      timings: `write p99 ${p99('baseline')} baseline; ${faultPhases.map(([name]) => `${p99(name)} ${name}`).join(', ')}; ${p99('after')} after healing. Backup outage noticed after: ${faultPhases
        .map(([name, f]) => `${name} ${f.detectedAfterMs === undefined ? 'never' : ms(f.detectedAfterMs)}`)
        .join(
          ', ',
        )}; peak backup lag ${ms(seen.peakLagMs)} (${seen.peakDepth} rows queued); converged ${ms(convergeMs)} after the last heal`,
    },
    cluster.version,
  );

  expect(countByCode(workload.failedWrites)).toEqual({});
  expect(countByCode(workload.failedReads)).toEqual({});
  expect(blackholed).toBeGreaterThan(0);
  expect(phases.reset?.errors).toContain('ECONNRESET');
  expect(phases['black hole (new connections)']?.errors).toContain('CONNECT_TIMEOUT');
  expect(phases['backup table locked']?.errors.some((e) => /statement timeout|lock timeout/.test(e))).toBe(
    true,
  );
  // A statement frozen on an open connection must time out too, or one black hole stalls the backup until it heals.
  expect(phases['black hole (open connections)']?.detectedAfterMs).toBeDefined();
  expect(flushed).toBe(true);
  expect(metrics).toMatchObject({ depth: 0, backupReachable: true });
  expect(backlog.applied).toBe(true);
  expect(app.writer.deadLetters()).toEqual([]);
  expectNoDrift(drift);
});
