import type { DualWriteMetrics } from '@multidb/dual-write';
import { type Claim, claim, type StepOutcome } from '../claims.js';
import type { DemoApp } from '../demo-app.js';
import { type DriftSummary, driftBetween } from '../drift-summary.js';
import type { StoryContext } from '../story-context.js';
import { seconds, waitFor } from '../timing.js';

export interface BackupOutageFigures {
  readonly outageMs: number;
  readonly requests: number;
  readonly failed: number;
  /** Writes and transactions the primary committed while the backup was away. */
  readonly writesDuringOutage: number;
  /** Highest queue depth and backup lag seen during the outage. */
  readonly maxDepth: number;
  readonly maxLagMs: number;
  /** From the backup's return to an empty queue. */
  readonly catchUpMs: number | undefined;
  readonly before: DualWriteMetrics;
  readonly after: DualWriteMetrics;
  /** Rows re-read from the primary for dead letters (only if retries were exhausted). */
  readonly repairedDeadLetters: number;
  readonly drift: DriftSummary;
}

const writesSoFar = (app: DemoApp) => {
  const routed = app.router.getMetrics().routed;
  return (routed.write.primary ?? 0) + (routed.transactional.primary ?? 0);
};

/** Watches the dual-write queue while the backup is away: the deepest queue and the oldest pending row. */
function watchQueue(app: DemoApp): { stop(): { maxDepth: number; maxLagMs: number } } {
  let maxDepth = 0;
  let maxLagMs = 0;
  const timer = setInterval(() => {
    const m = app.writer.metrics();
    maxDepth = Math.max(maxDepth, m.depth);
    maxLagMs = Math.max(maxLagMs, m.oldestPendingAgeMs);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return { maxDepth, maxLagMs };
    },
  };
}

/**
 * The backup goes away under load: the primary path keeps answering, dual-write queues the rows and keeps
 * probing; when the backup returns the queue drains, and the drift check finds nothing.
 */
export async function backupOutageStep(ctx: StoryContext): Promise<StepOutcome<BackupOutageFigures>> {
  const { app, env, narrator, workload } = ctx;
  const before = app.writer.metrics();
  const requestsBefore = workload.requests;
  const failedBefore = workload.failed;

  const outage = await workload.during(async () => {
    await workload.requestsLater(20);
    const writesBefore = writesSoFar(app);
    const watch = watchQueue(app);
    const started = performance.now();
    await env.backup.stop();
    narrator.detail('the backup is down (every connection refused) while the users keep writing');
    await workload.requestsLater(150);
    const during = app.writer.metrics();
    narrator.detail(
      `during the outage: queue depth ${during.depth}, backup lag ${seconds(during.oldestPendingAgeMs)}, ` +
        `reachable: ${during.backupReachable}, rows held for retry: ${during.retried - before.retried}`,
    );
    await env.backup.start();
    const outageMs = performance.now() - started;
    const writesDuringOutage = writesSoFar(app) - writesBefore;
    narrator.detail(
      `the backup is back after ${seconds(outageMs)}; ${writesDuringOutage} writes committed meanwhile`,
    );
    const catchUpMs = await waitFor(
      () => {
        const m = app.writer.metrics();
        return m.depth === 0 && m.backupReachable;
      },
      { timeoutMs: 30_000 },
    );
    const peak = watch.stop();
    narrator.detail(`queue drained ${seconds(catchUpMs)} after the backup returned`);
    await workload.requestsLater(20);
    return { outageMs, writesDuringOutage, catchUpMs, ...peak };
  });
  await app.writer.flush(30_000);
  let after = app.writer.metrics();
  let repairedDeadLetters = 0;
  if (after.deadLettered > before.deadLettered) {
    // Retries ran out for some rows: re-read them from the primary and apply their current state.
    const repair = await app.writer.retryDeadLetters(30_000);
    repairedDeadLetters = repair.rows;
    narrator.detail(
      `retries ran out for ${after.deadLettered - before.deadLettered} rows: repaired ${repair.rows} from the primary`,
    );
    after = app.writer.metrics();
  }
  narrator.detail(
    `dual-write: applied ${after.applied - before.applied} rows in ${after.batches - before.batches} backup transactions, ` +
      `retried ${after.retried - before.retried}, dead-lettered ${after.deadLettered - before.deadLettered}, depth ${after.depth}`,
  );
  const drift = await driftBetween(env.clients.primary, env.backup.handle, {});
  narrator.detail(`checkDrift(primary, backup): ${drift.differences} differences in ${drift.tables} tables`);

  const figures: BackupOutageFigures = {
    ...outage,
    requests: workload.requests - requestsBefore,
    failed: workload.failed - failedBefore,
    before,
    after,
    repairedDeadLetters,
    drift,
  };
  const claims: Claim[] = [
    claim(
      'backup-outage-primary-path',
      'the primary path kept working while the backup was down: writes committed, no request failed, rows queued',
      figures.failed === 0 && figures.writesDuringOutage > 0 && figures.maxDepth > 0,
      `${figures.failed} of ${figures.requests} requests failed, ${figures.writesDuringOutage} writes, peak queue depth ${figures.maxDepth}`,
    ),
    claim(
      'backup-caught-up',
      'the backup caught up when it returned: queue empty, nothing lost, no drift',
      figures.catchUpMs !== undefined && after.depth === 0 && drift.clean,
      `caught up in ${seconds(figures.catchUpMs)}, ${after.applied - before.applied} rows applied, ${drift.differences} differences`,
    ),
  ];
  for (const c of claims) narrator.verdict(c.held, `${c.text} (${c.detail})`);
  return { figures, claims };
}
