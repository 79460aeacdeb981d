import { type Claim, claim, type StepOutcome } from '../claims.js';
import type { DemoApp } from '../demo-app.js';
import { formatServed, readsOn, type ServedReads, servedBetween, servedReads } from '../routing-figures.js';
import type { StoryContext } from '../story-context.js';
import { now, seconds, waitFor } from '../timing.js';

export interface ReplicaFailureFigures {
  readonly replica: string;
  /** From the stop command to "out of rotation" (health probes and failed queries). */
  readonly detectedMs: number | undefined;
  /** From the start command to "in rotation again" (M good probes). */
  readonly rejoinedMs: number | undefined;
  readonly requests: number;
  readonly failed: number;
  /** Reads that hit the stopped replica before it was marked down, retried once on another node. */
  readonly retriedReads: number;
  readonly servedWhileDown: ServedReads;
  readonly servedAfterRejoin: ServedReads;
  /** `GET /health` while the replica was down. */
  readonly health: { readonly status: number; readonly body: string; readonly replicaError: string | null };
}

const VICTIM = 'replica-1';

const node = (app: DemoApp, name: string) => app.router.getHealthStatus().nodes.find((n) => n.name === name);

async function probeHealth(app: DemoApp): Promise<ReplicaFailureFigures['health']> {
  const anonymous = await app.health(new Request('http://demo.local/health'));
  const detail = await app.health(
    new Request('http://demo.local/health', { headers: { authorization: `Bearer ${app.healthToken}` } }),
  );
  const nodes = ((await detail.json()) as { nodes: { name: string; lastError: string | null }[] }).nodes;
  return {
    status: anonymous.status,
    body: await anonymous.text(),
    replicaError: nodes.find((n) => n.name === VICTIM)?.lastError ?? null,
  };
}

/** A replica dies under load: reads move to the others, no request fails, and it rejoins when it is back. */
export async function replicaFailureStep(ctx: StoryContext): Promise<StepOutcome<ReplicaFailureFigures>> {
  const { app, env, narrator, workload } = ctx;
  const victim = env.replicas.find((r) => r.spec.name === VICTIM);
  if (victim === undefined) throw new Error(`no ${VICTIM} in the environment`);
  const requestsBefore = workload.requests;
  const failedBefore = workload.failed;
  const retriesBefore = app.router.getMetrics().retries;

  const figures = await workload.during(async () => {
    await workload.requestsLater(30);
    narrator.detail(`stopping ${VICTIM} (it now refuses connections) while 4 users keep working`);
    const stopping = now();
    await victim.stop();
    const gone = await waitFor(() => node(app, VICTIM)?.inRotation === false, { timeoutMs: 15_000 });
    const detectedMs = gone === undefined ? undefined : now() - stopping;
    narrator.detail(`the router took ${VICTIM} out of rotation ${seconds(detectedMs)} after the stop began`);
    const down = servedReads(app.router);
    const health = await probeHealth(app);
    narrator.detail(
      `GET /health → ${health.status} ${health.body}; with the bearer token, ${VICTIM}: ${health.replicaError}`,
    );
    await workload.requestsLater(80);
    const beforeStart = servedReads(app.router);
    narrator.detail(`starting ${VICTIM} again`);
    const starting = now();
    await victim.start();
    const back = await waitFor(() => node(app, VICTIM)?.inRotation === true, { timeoutMs: 15_000 });
    const rejoinedMs = back === undefined ? undefined : now() - starting;
    narrator.detail(`${VICTIM} is back in rotation ${seconds(rejoinedMs)} after the start began`);
    const rejoined = servedReads(app.router);
    await workload.requestsLater(40);
    return {
      detectedMs,
      rejoinedMs,
      health,
      servedWhileDown: servedBetween(down, beforeStart),
      servedAfterRejoin: servedBetween(rejoined, servedReads(app.router)),
    };
  });
  const result: ReplicaFailureFigures = {
    replica: VICTIM,
    ...figures,
    requests: workload.requests - requestsBefore,
    failed: workload.failed - failedBefore,
    retriedReads: app.router.getMetrics().retries - retriesBefore,
  };
  narrator.detail(`while ${VICTIM} was down, reads were served by: ${formatServed(result.servedWhileDown)}`);
  narrator.detail(
    result.retriedReads === 0
      ? `no read reached ${VICTIM} between its stop and its removal from rotation (nothing to retry)`
      : `${result.retriedReads} read(s) hit ${VICTIM} before it was marked down and were retried once on another node`,
  );

  const claims: Claim[] = [
    claim(
      'replica-failure-no-failed-requests',
      `no request failed while ${VICTIM} was down`,
      result.failed === 0 && result.detectedMs !== undefined,
      `${result.failed} of ${result.requests} requests failed`,
    ),
    claim(
      'replica-failure-reads-moved',
      `reads moved off ${VICTIM} while it was down (analytics to replica-2)`,
      readsOn(result.servedWhileDown, VICTIM) === 0 &&
        readsOn(result.servedWhileDown, 'replica-2') + readsOn(result.servedWhileDown, 'primary') > 0,
      `${VICTIM} served ${readsOn(result.servedWhileDown, VICTIM)}, others ${
        readsOn(result.servedWhileDown, 'replica-2') + readsOn(result.servedWhileDown, 'primary')
      }`,
    ),
    claim(
      'replica-rejoined',
      `${VICTIM} rejoined and served reads again`,
      result.rejoinedMs !== undefined && readsOn(result.servedAfterRejoin, VICTIM) > 0,
      `back after ${seconds(result.rejoinedMs)}, then served ${readsOn(result.servedAfterRejoin, VICTIM)} reads`,
    ),
    claim(
      'health-degraded',
      'GET /health answered 200 "degraded" while a replica was down',
      result.health.status === 200 && JSON.parse(result.health.body).status === 'degraded',
      `${result.health.status} ${result.health.body}`,
    ),
  ];
  for (const c of claims) narrator.verdict(c.held, `${c.text} (${c.detail})`);
  return { figures: result, claims };
}
