import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { createDbRouter, type DbRouter, driftRecorder } from '../src/index.js';
import { prometheusMetrics } from '../src/prometheus/index.js';
import { useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

interface ParsedFamily {
  name: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => ParsedFamily[];

const suite = useInMemoryCluster(['replica']);

function makeRouter(lag: { maxBytes?: number; maxSeconds?: number }): DbRouter<TestSchema> {
  return suite.track(
    createDbRouter<TestSchema>({
      primary: suite.cluster.primary,
      replicas: [suite.cluster.spec('replica')],
      health: { background: false },
      lag,
    }),
  );
}

const values = (families: ParsedFamily[], name: string): number[] =>
  (families.find((f) => f.name === name)?.metrics ?? []).map((m) => Number(m.value));

describe('lag limits, p50 and drift in the exposition', () => {
  test('the configured lag limits are gauges; an unset limit is absent, never a made-up number', async () => {
    const limited = parse(await prometheusMetrics(makeRouter({ maxBytes: 4096, maxSeconds: 7 })).text());
    expect(values(limited, 'multidb_router_node_max_lag_bytes')).toEqual([4096]);
    expect(values(limited, 'multidb_router_node_max_lag_seconds')).toEqual([7]);
    const unlimited = parse(
      await prometheusMetrics(makeRouter({ maxSeconds: Number.POSITIVE_INFINITY })).text(),
    );
    expect(values(unlimited, 'multidb_router_node_max_lag_bytes')).toEqual([]);
    expect(values(unlimited, 'multidb_router_node_max_lag_seconds')).toEqual([]);
  });

  test('p50 per node sits at or below p99', async () => {
    const router = makeRouter({});
    await router.checkHealth();
    for (let i = 0; i < 20; i++) await router.getClient('read').select().from(users);
    const metrics = router.getMetrics().nodes.replica;
    expect(metrics?.latencyP50Ms).toBeGreaterThanOrEqual(0);
    expect(metrics?.latencyP50Ms).toBeLessThanOrEqual(metrics?.latencyP99Ms ?? -1);
    const families = parse(await prometheusMetrics(router).text());
    const p50 = families.find((f) => f.name === 'multidb_router_node_query_latency_p50_seconds');
    const sample = p50?.metrics.find((m) => m.labels?.node === 'replica');
    expect(Number(sample?.value)).toBeCloseTo((metrics?.latencyP50Ms ?? 0) / 1000, 9);
  });

  test('drift: absent before the first check, then time, ok and differences; a failed check keeps no count', async () => {
    const router = makeRouter({});
    let clock = Date.parse('2026-12-06T10:00:00Z');
    const drift = driftRecorder(() => new Date(clock));
    const exposition = prometheusMetrics(router, { drift });
    const scrape = async () => parse(await exposition.text());
    expect(values(await scrape(), 'multidb_router_drift_ok')).toEqual([]);

    drift.record({
      clean: false,
      schema: [{}],
      tables: [
        { missing: 1, extra: 0, changed: 2 },
        { missing: 0, extra: 3, changed: 0 },
      ],
      ms: 1500,
    });
    let families = await scrape();
    expect(values(families, 'multidb_router_drift_last_run_timestamp_seconds')).toEqual([clock / 1000]);
    expect(values(families, 'multidb_router_drift_ok')).toEqual([0]);
    expect(values(families, 'multidb_router_drift_differences')).toEqual([7]);
    expect(values(families, 'multidb_router_drift_duration_seconds')).toEqual([1.5]);

    clock += 60_000;
    drift.record({ clean: true, schema: [], tables: [{ missing: 0, extra: 0, changed: 0 }], ms: 10 });
    families = await scrape();
    expect(values(families, 'multidb_router_drift_ok')).toEqual([1]);
    expect(values(families, 'multidb_router_drift_differences')).toEqual([0]);

    clock += 60_000;
    expect(drift.recordFailure('ConnectionFailed').error).toBe('ConnectionFailed');
    expect(drift.recordFailure('postgres://u:p@h/db').error).toBe('error');
    families = await scrape();
    expect(values(families, 'multidb_router_drift_ok')).toEqual([0]);
    expect(values(families, 'multidb_router_drift_last_run_timestamp_seconds')).toEqual([clock / 1000]);
    expect(values(families, 'multidb_router_drift_differences')).toEqual([]);
  });

  test('without a drift source no drift family is registered', async () => {
    const text = await prometheusMetrics(makeRouter({})).text();
    expect(text).not.toContain('drift_');
  });
});
