import { describeError } from '@multidb/config';
import type { Claim, StepOutcome } from './claims.js';
import { type DemoApp, startDemoApp } from './demo-app.js';
import type { DemoEnvironment } from './environment.js';
import type { Narrator } from './narrator.js';
import { startPgEnvironment } from './pg-environment.js';
import { startPgliteEnvironment } from './pglite-environment.js';
import { buildReport, type DemoReport, type StoryFigures } from './report.js';
import type { DemoServer } from './serve.js';
import { backupOutageStep } from './steps/backup-outage-step.js';
import { driftStep } from './steps/drift-step.js';
import { readYourWritesStep } from './steps/read-your-writes-step.js';
import { replicaFailureStep } from './steps/replica-failure-step.js';
import { setupStep } from './steps/setup-step.js';
import { syncStep } from './steps/sync-step.js';
import { workloadStep } from './steps/workload-step.js';
import type { StoryContext } from './story-context.js';
import { now } from './timing.js';
import { Workload } from './workload.js';

export interface StoryOptions {
  readonly mode: 'pglite' | 'postgres';
  /** PGlite data directory, relative to the working directory (reset on every run). */
  readonly dataDir: string;
  readonly narrator: Narrator;
  /** `--serve`: the ops page, started with the application and held after the report (`report` is printed first). */
  readonly serve?: { readonly server: DemoServer; readonly report: (result: StoryResult) => void };
}

export interface StoryResult {
  readonly report: DemoReport;
  /** Strings that must not appear in the output: database passwords, the health endpoint's bearer token. */
  readonly secrets: readonly string[];
}

type Step = readonly [
  keyof StoryFigures,
  string,
  (ctx: StoryContext) => Promise<StepOutcome<StoryFigures[keyof StoryFigures]>>,
];

const STEPS: readonly Step[] = [
  [
    'workload',
    'Mixed workload through the tRPC API (writes, reads, analytics, background jobs)',
    workloadStep,
  ],
  ['replicaFailure', 'A replica fails under load', replicaFailureStep],
  ['readYourWrites', 'A replica lags: read-your-writes across two HTTP requests', readYourWritesStep],
  ['backupOutage', 'The backup goes away during writes, and comes back', backupOutageStep],
  ['sync', 'sync:backup fills a fresh, empty backup', syncStep],
  ['drift', 'A row changed behind the toolkit’s back: found and repaired', driftStep],
];

/** The whole story: environment, application, each step in turn, the report; everything closed at the end. */
export async function runStory(options: StoryOptions): Promise<StoryResult> {
  const { narrator } = options;
  const started = now();
  const steps: StoryFigures = {};
  const claims: Claim[] = [];
  const stepMs: Record<string, number> = {};
  const timed = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const at = now();
    try {
      return await fn();
    } finally {
      stepMs[key] = Math.round(now() - at);
    }
  };
  let env: DemoEnvironment | undefined;
  let app: DemoApp | undefined;
  let ctx: StoryContext | undefined;
  let error: string | undefined;
  narrator.begin(STEPS.length + 2);
  try {
    narrator.section('Setup: migrate PRIMARY + DATA (split) and the backup, start the router, seed');
    env = await timed('environment', () =>
      options.mode === 'postgres' ? startPgEnvironment() : startPgliteEnvironment(options.dataDir),
    );
    const ready = { env, app: await startDemoApp(env) };
    app = ready.app;
    const setup = await timed('setup', () => setupStep(ready.env, ready.app, narrator));
    steps.setup = setup.figures;
    claims.push(...setup.claims);
    const workload = await Workload.start(app);
    app.api.onRequest = (requests, failed) => narrator.requests(requests, failed);
    const story: StoryContext = { env, app, narrator, workload };
    ctx = story;
    await options.serve?.server.ready(story);
    for (const [key, title, run] of STEPS) {
      narrator.section(title);
      const outcome = await timed(key, () => run(story));
      Object.assign(steps, { [key]: outcome.figures });
      claims.push(...outcome.claims);
    }
  } catch (thrown) {
    error = describeError(thrown);
    narrator.line(`   ✗ the demo stopped: ${error}`);
  }
  narrator.section('Report');
  const report = await buildReport({
    mode: options.mode,
    app,
    steps,
    claims,
    durationMs: now() - started,
    stepMs,
    error,
  });
  const secrets = [...(env?.secrets ?? []), ...(app ? [app.healthToken] : [])];
  if (options.serve !== undefined) {
    narrator.end();
    options.serve.report({ report, secrets });
    if (ctx !== undefined) await options.serve.server.hold(ctx).catch(() => undefined);
    await options.serve.server.close().catch(() => undefined);
  }
  await app?.close().catch(() => undefined);
  await env?.close().catch(() => undefined);
  narrator.end();
  return { report, secrets };
}
