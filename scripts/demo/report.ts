import type { DualWriteMetrics } from '@multidb/dual-write';
import type { RouterMetricsSnapshot } from '@multidb/router';
import type { Failure } from './app-client.js';
import type { Claim } from './claims.js';
import type { DemoApp } from './demo-app.js';
import type { DriftSummary } from './drift-summary.js';
import type { BackupOutageFigures } from './steps/backup-outage-step.js';
import type { DriftFigures } from './steps/drift-step.js';
import type { ReadYourWritesFigures } from './steps/read-your-writes-step.js';
import type { ReplicaFailureFigures } from './steps/replica-failure-step.js';
import type { SetupFigures } from './steps/setup-step.js';
import type { SyncFigures } from './steps/sync-step.js';
import type { WorkloadFigures } from './steps/workload-step.js';

/** The figures of every step that ran (a step that threw leaves its entry out). */
export interface StoryFigures {
  setup?: SetupFigures;
  workload?: WorkloadFigures;
  replicaFailure?: ReplicaFailureFigures;
  readYourWrites?: ReadYourWritesFigures;
  backupOutage?: BackupOutageFigures;
  sync?: SyncFigures;
  drift?: DriftFigures;
}

/** The `--json` document (and the source of the text report). */
export interface DemoReport {
  /** Every claim held. */
  readonly ok: boolean;
  readonly mode: 'pglite' | 'postgres';
  readonly durationMs: number;
  /** Wall time of each part of the story (environment start-up, setup, each step). */
  readonly stepMs: Record<string, number>;
  /** Ids of the claims that did not hold. */
  readonly failedClaims: readonly string[];
  readonly claims: readonly Claim[];
  readonly requests: {
    readonly total: number;
    readonly failed: number;
    readonly byProcedure: Record<string, number>;
    readonly failures: readonly Failure[];
  };
  readonly router: Pick<
    RouterMetricsSnapshot,
    'routed' | 'failovers' | 'retries' | 'refusedWrites' | 'consistency'
  > & {
    readonly nodes: Record<
      string,
      { queries: number; errors: number; connectionErrors: number; timesDown: number }
    >;
  };
  readonly backup: DualWriteMetrics & { readonly peakDepth: number; readonly peakLagMs: number };
  readonly drift: DriftSummary | undefined;
  /** A few lines of `GET /metrics` (Prometheus text). */
  readonly prometheus: { readonly lines: number; readonly sample: readonly string[] };
  readonly steps: StoryFigures;
  /** Set when the story stopped early. */
  readonly error: string | undefined;
}

export async function buildReport(input: {
  readonly mode: DemoReport['mode'];
  readonly app: DemoApp | undefined;
  readonly steps: StoryFigures;
  readonly claims: readonly Claim[];
  readonly durationMs: number;
  readonly stepMs: Record<string, number>;
  readonly error: string | undefined;
}): Promise<DemoReport> {
  const { app, steps } = input;
  const metrics = app?.router.getMetrics();
  const prometheusText = app ? await app.metrics.text() : '';
  const series = prometheusText.split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const failedClaims = input.claims.filter((c) => !c.held).map((c) => c.id);
  return {
    ok: input.error === undefined && failedClaims.length === 0 && input.claims.length > 0,
    mode: input.mode,
    durationMs: Math.round(input.durationMs),
    stepMs: input.stepMs,
    failedClaims,
    claims: input.claims,
    requests: {
      total: app?.api.requests ?? 0,
      failed: app?.api.failed ?? 0,
      byProcedure: app?.api.byProcedure() ?? {},
      failures: app?.api.failures ?? [],
    },
    router: {
      routed: metrics?.routed ?? ({} as RouterMetricsSnapshot['routed']),
      failovers: metrics?.failovers ?? 0,
      retries: metrics?.retries ?? 0,
      refusedWrites: metrics?.refusedWrites ?? 0,
      consistency: metrics?.consistency ?? {
        constrainedReads: 0,
        invalidTokens: 0,
        tokensAhead: 0,
        tokensIssued: 0,
      },
      nodes: Object.fromEntries(
        Object.entries(metrics?.nodes ?? {}).map(([name, n]) => [
          name,
          {
            queries: n.queries,
            errors: n.errors,
            connectionErrors: n.connectionErrors,
            timesDown: n.timesDown,
          },
        ]),
      ),
    },
    backup: {
      ...(app?.writer.metrics() as DualWriteMetrics),
      peakDepth: steps.backupOutage?.maxDepth ?? 0,
      peakLagMs: Math.round(steps.backupOutage?.maxLagMs ?? 0),
    },
    drift: steps.drift?.final,
    prometheus: {
      lines: series.length,
      sample: series.filter((l) => l.includes('queries_routed_total') && !l.endsWith(' 0')).slice(0, 4),
    },
    steps,
    error: input.error,
  };
}
