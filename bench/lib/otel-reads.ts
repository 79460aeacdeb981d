import { createDbRouter, type TelemetrySetting } from '@multidb/router';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { eq } from 'drizzle-orm';
import { fmt, measure, type Ratio, type Sample } from './bench-kit.js';
import { type Db, items } from './read-items.js';

/** An exporter that accepts every batch and keeps nothing: the SDK's whole cost, no I/O. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

/** A reader nobody collects: the histogram still aggregates every recording, as it would between exports. */
class IdleReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export const OTEL_TITLE = 'PostgreSQL 15 (local streaming replica): routed read with OpenTelemetry';
const LABELS = {
  sdk: 'routed read, OpenTelemetry SDK on (discarding exporter) / raw Drizzle (PostgreSQL)',
  off: 'routed read, telemetry off / routed read before OpenTelemetry existed (PostgreSQL)',
  noSdk: 'routed read, @opentelemetry/api without an SDK / telemetry off (PostgreSQL)',
};

interface Options {
  readonly queriesPerRun: number;
  readonly runs: number;
  readonly note: string;
  /** A router module from another checkout (`--baseline=…/packages/router/src/index.ts`). */
  readonly baseline: string | undefined;
}

type RouterModule = { createDbRouter: typeof createDbRouter };
interface AnyRouter {
  getClient(intent: 'read'): unknown;
  checkHealth(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Routed reads on the replica through routers that differ only in telemetry (off, the api without an SDK, an
 * SDK with batch span processing and a histogram), Drizzle on the replica itself, and optionally a router from
 * another checkout (`BASELINE_ROUTER`): contenders take turns query by query, ratios paired run by run.
 */
export async function otelReads(primary: Db, replica: Db, options: Options) {
  const exporter = new DiscardingExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  const baselinePath = options.baseline;
  const baseline = baselinePath ? ((await import(baselinePath)) as RouterModule) : undefined;
  const routers: AnyRouter[] = [];
  const routed = (telemetry: TelemetrySetting | undefined, module: RouterModule = { createDbRouter }) => {
    const options = {
      primary,
      replicas: [{ name: 'replica', db: replica }],
      health: { background: false },
      ...(telemetry === undefined ? {} : { telemetry }),
    };
    const router: AnyRouter = module.createDbRouter(options as Parameters<typeof createDbRouter>[0]);
    routers.push(router);
    return router;
  };
  const contenders: Record<string, AnyRouter | Db> = {
    raw: replica,
    'routed, telemetry off': routed(false),
    'routed, api without SDK': routed(undefined),
    'routed, SDK on': routed({ tracerProvider, meterProvider }),
    ...(baseline ? { 'routed (baseline)': routed(undefined, baseline) } : {}),
  };
  for (const router of routers) await router.checkHealth();
  const dbs: Record<string, Db> = Object.fromEntries(
    Object.entries(contenders).map(([name, c]) => [
      name,
      'getClient' in c ? (c.getClient('read') as unknown as Db) : c,
    ]),
  );
  try {
    const names = Object.keys(dbs);
    const runs: Record<string, number>[] = [];
    for (let run = 0; run <= options.runs; run++) {
      const spent: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
      for (let i = 0; i < options.queriesPerRun; i++) {
        for (let k = 0; k < names.length; k++) {
          const name = names[(i + k) % names.length] as string;
          const start = performance.now();
          await (dbs[name] as Db)
            .select()
            .from(items)
            .where(eq(items.id, (i % 1000) + 1));
          spent[name] = (spent[name] as number) + performance.now() - start;
        }
      }
      if (run > 0)
        runs.push(
          Object.fromEntries(names.map((n) => [n, ((spent[n] as number) * 1000) / options.queriesPerRun])),
        );
    }
    const sample = (values: number[]) => measure(() => values.shift() as number, values.length, 0);
    const ratio = (a: string, b: string) => sample(runs.map((r) => (r[a] as number) / (r[b] as number)));
    const rows: string[] = [];
    for (const name of names) {
      const vsRaw = name === 'raw' ? '1×' : fmt(await ratio(name, 'raw'), '×', 3);
      rows.push(`| ${name} | ${fmt(await sample(runs.map((r) => r[name] as number)), 'µs', 1)} | ${vsRaw} |`);
    }
    const sdk = await ratio('routed, SDK on', 'raw');
    const noSdk = await ratio('routed, api without SDK', 'routed, telemetry off');
    const off = baseline ? await ratio('routed, telemetry off', 'routed (baseline)') : undefined;
    const pairs: [string, Sample][] = [
      ['api without SDK / telemetry off', noSdk],
      ['SDK on / telemetry off', await ratio('routed, SDK on', 'routed, telemetry off')],
      ...(off ? ([['telemetry off / baseline (before OpenTelemetry)', off]] as [string, Sample][]) : []),
    ];
    const ratios: Ratio[] = [
      { label: LABELS.sdk, value: sdk.median, goal: 1.1, better: 'lower' },
      { label: LABELS.noSdk, value: noSdk.median, goal: 1.01, better: 'lower' },
      ...(off ? [{ label: LABELS.off, value: off.median, goal: 1.01, better: 'lower' as const }] : []),
    ];
    const md = [
      `### ${OTEL_TITLE}`,
      '',
      options.note,
      `"SDK on" is a BasicTracerProvider with a BatchSpanProcessor into an exporter that discards (${exporter.exported} spans exported`,
      'by the end of the run) and a MeterProvider whose reader is never collected (the histogram still aggregates);',
      '"api without SDK" is the default with `@opentelemetry/api` installed and nothing registered;',
      '"telemetry off" is `telemetry: false`' +
        (baseline ? '; "baseline" is the router of another checkout (main before OpenTelemetry).' : '.'),
      '',
      '| read path | per query | vs raw (paired per run) |',
      '| --- | --- | --- |',
      ...rows,
      '',
      '| pair | ratio (paired per run) |',
      '| --- | --- |',
      ...pairs.map(([label, s]) => `| ${label} | ${fmt(s, '×', 3)} |`),
      '',
    ].join('\n');
    return { title: OTEL_TITLE, md, ratios, labels: Object.values(LABELS) };
  } finally {
    for (const router of routers) await router.close();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  }
}
