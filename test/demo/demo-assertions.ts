import { expect } from 'vitest';
import type { DemoReport } from '../../scripts/demo/report.js';
import type { DemoRun } from './run-demo.js';

/** Every claim the demo makes. A claim that silently disappears from the output fails the suite too. */
export const CLAIM_IDS = [
  'migrations-applied',
  'split-layout',
  'workload-no-failures',
  'intents-routed',
  'replica-failure-no-failed-requests',
  'replica-failure-reads-moved',
  'replica-rejoined',
  'health-degraded',
  'ryw-stale-without-token',
  'ryw-token-sees-write',
  'ryw-replica-after-catch-up',
  'backup-outage-primary-path',
  'backup-caught-up',
  'sync-fresh-backup',
  'sync-fk-order',
  'drift-found',
  'drift-repaired',
  'backup-equals-primary',
  'no-secret-in-output',
];

// `scheme://user:password@` with anything but the redaction marker as the password.
const CREDENTIALS_IN_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]+:(?!\*\*\*@)[^\s/@'"]+@/i;

export function reportOf(run: DemoRun): DemoReport {
  expect(
    run.report,
    `stdout is not one JSON document:\n${run.stdout.slice(0, 2000)}\n${run.stderr}`,
  ).toBeDefined();
  return run.report as DemoReport;
}

/** The claims, checked from the figures themselves (not only from the demo's own verdicts). */
export function expectStoryHeld(run: DemoRun): void {
  const report = reportOf(run);
  expect(report.error).toBeUndefined();
  expect(report.claims.map((c) => c.id)).toEqual(CLAIM_IDS);
  expect(report.claims.filter((c) => !c.held)).toEqual([]);
  expect(report.failedClaims).toEqual([]);
  expect(report.ok).toBe(true);
  expect(run.code).toBe(0);

  const { steps } = report;
  // Traffic: hundreds of requests through the fetch handler, none failed.
  expect(report.requests.total).toBeGreaterThan(500);
  expect(report.requests.failed).toBe(0);
  expect(steps.workload?.writeNodes).toEqual(['primary']);

  // A replica fails: out of rotation, reads elsewhere, no failed request, back in rotation.
  const failure = steps.replicaFailure;
  expect(failure?.failed).toBe(0);
  expect(failure?.detectedMs).toBeTypeOf('number');
  expect(failure?.rejoinedMs).toBeTypeOf('number');
  const whileDown = failure?.servedWhileDown ?? { read: {}, analytics: {}, background: {} };
  expect(whileDown.read['replica-1'] ?? 0).toBe(0);
  expect(whileDown.analytics['replica-1'] ?? 0).toBe(0);
  expect((whileDown.analytics['replica-2'] ?? 0) + (whileDown.analytics.primary ?? 0)).toBeGreaterThan(0);
  expect(report.router.nodes['replica-1']?.timesDown).toBeGreaterThanOrEqual(1);

  // Read-your-writes: the lag is real, the token read sees the write.
  const ryw = steps.readYourWrites;
  expect(ryw?.token).toMatch(/^v1\.[0-9a-f]{16}$/);
  expect(ryw?.withoutToken).toMatchObject({ sawWrite: false });
  expect(['replica-1', 'replica-2']).toContain(ryw?.withoutToken.node);
  expect(ryw?.withToken).toMatchObject({ sawWrite: true });
  expect(ryw?.afterCatchUp.sawWrite).toBe(true);

  // Backup outage: writes went on, rows queued, the queue drained, nothing lost.
  const outage = steps.backupOutage;
  expect(outage?.failed).toBe(0);
  expect(outage?.writesDuringOutage).toBeGreaterThan(0);
  expect(outage?.maxDepth).toBeGreaterThan(0);
  expect(outage?.after).toMatchObject({ depth: 0, backupReachable: true, overflowed: 0 });
  expect(outage?.drift).toMatchObject({ clean: true, differences: 0 });

  // sync:backup into a fresh backup: every row, parents first, equal afterwards.
  const sync = steps.sync;
  expect(sync?.ok).toBe(true);
  expect(sync?.rowsWritten).toBeGreaterThan(0);
  expect(sync?.rowsWritten).toBe(sync?.rowsRead);
  expect(sync?.drift).toMatchObject({ clean: true, differences: 0 });
  const order = (sync?.order ?? []).flat();
  expect(order.indexOf('customer.organizations')).toBeLessThan(order.indexOf('customer.clients'));

  // Drift: exactly the one tampered row, repaired, verified, and a fresh check finds nothing.
  const drift = steps.drift;
  expect(drift?.found).toMatchObject({ driftFound: true, changed: 1, missing: 0, extra: 0 });
  expect(drift?.found.rows.join(' ')).toContain(drift?.tamperedKey);
  expect(drift?.repair).toMatchObject({ repaired: true, verified: true, upserted: 1 });
  expect(drift?.final).toMatchObject({ clean: true, differences: 0 });
  expect(report.drift).toMatchObject({ clean: true, differences: 0 });

  // The report: queries per intent and node, Prometheus text.
  expect(report.router.routed.write.primary).toBeGreaterThan(0);
  expect(report.router.routed.analytics['replica-1']).toBeGreaterThan(0);
  expect(report.router.routed.background['replica-2']).toBeGreaterThan(0);
  expect(report.prometheus.lines).toBeGreaterThan(0);
}

/** Nothing printed holds a connection string with its password. */
export function expectNoCredentials(run: DemoRun): void {
  expect(run.stdout + run.stderr).not.toMatch(CREDENTIALS_IN_URL);
  expect(reportOf(run).claims.find((c) => c.id === 'no-secret-in-output')?.held).toBe(true);
}
