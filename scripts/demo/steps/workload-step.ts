import { type Claim, claim, type StepOutcome } from '../claims.js';
import { formatServed, type ServedReads, servedBetween, servedReads } from '../routing-figures.js';
import type { StoryContext } from '../story-context.js';
import { now, seconds } from '../timing.js';

export interface WorkloadFigures {
  readonly requests: number;
  readonly failed: number;
  readonly ms: number;
  readonly served: ServedReads;
  /** Nodes that ran writes and transactions. */
  readonly writeNodes: readonly string[];
}

const REQUESTS = 240;

/** Normal traffic: each intent lands where the topology says. */
export async function workloadStep(ctx: StoryContext): Promise<StepOutcome<WorkloadFigures>> {
  const { app, narrator, workload } = ctx;
  const before = servedReads(app.router);
  const failedBefore = workload.failed;
  const requestsBefore = workload.requests;
  const started = now();
  await workload.run(REQUESTS);
  const ms = now() - started;
  const served = servedBetween(before, servedReads(app.router));
  const routed = app.router.getMetrics().routed;
  const writeNodes = [
    ...new Set(
      [...Object.entries(routed.write), ...Object.entries(routed.transactional)]
        .filter(([, n]) => n > 0)
        .map(([node]) => node),
    ),
  ];
  const requests = workload.requests - requestsBefore;
  const failed = workload.failed - failedBefore;
  narrator.detail(
    `${requests} requests in ${seconds(ms)} by 4 virtual users through the tRPC fetch handler ` +
      `(${Object.entries(workload.byIntent())
        .map(([intent, n]) => `${intent} ${n}`)
        .join(', ')} operations so far)`,
  );
  narrator.detail(`reads served: ${formatServed(served)}`);
  narrator.detail(`writes and transactions ran on: ${writeNodes.join(', ')}`);

  const claims: Claim[] = [
    claim(
      'workload-no-failures',
      'every request of the mixed workload succeeded',
      failed === 0,
      `${failed} of ${requests} failed`,
    ),
    claim(
      'intents-routed',
      'analytics ran on replica-1, background jobs on replica-2, writes only on the primary, the DR node idle',
      (served.analytics['replica-1'] ?? 0) > 0 &&
        (served.background['replica-2'] ?? 0) > 0 &&
        writeNodes.every((n) => n === 'primary') &&
        (served.read.dr ?? 0) + (served.analytics.dr ?? 0) + (served.background.dr ?? 0) === 0,
      `analytics on replica-1: ${served.analytics['replica-1'] ?? 0}, background on replica-2: ${served.background['replica-2'] ?? 0}`,
    ),
  ];
  for (const c of claims) narrator.verdict(c.held, `${c.text} (${c.detail})`);
  return { figures: { requests, failed, ms, served, writeNodes }, claims };
}
