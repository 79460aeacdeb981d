import { createRequire } from 'node:module';
import { MultiDbError } from '@multidb/config';
import { Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { createDbRouter, type DbRouter } from '../src/index.js';
import { prometheusMetrics } from '../src/prometheus/index.js';
import { useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}
// An independent parser of the text format (prom2json-compatible output), so the test does not trust prom-client.
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => ParsedFamily[];

const MARKER = 'Marker-Secret-41be';
const suite = useInMemoryCluster(['replica']);

function makeRouter(): DbRouter<TestSchema> {
  const router = createDbRouter<TestSchema>({
    primary: suite.cluster.primary,
    replicas: [
      suite.cluster.spec('replica'),
      { name: 'remote', db: `postgres://app:${MARKER}@127.0.0.1:1/app` },
    ],
    health: { background: false, failuresToDown: 1 },
    lag: { maxSeconds: Number.POSITIVE_INFINITY },
    connect: { connectTimeout: 2 },
  });
  suite.track(router);
  return router;
}

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

function value(f: ParsedFamily, labels: Record<string, string> = {}): number | undefined {
  const sample = f.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample === undefined ? undefined : Number(sample.value);
}

describe('prometheusMetrics', () => {
  test('the exposition parses and matches the router snapshot', async () => {
    const router = makeRouter();
    await router.checkHealth();
    suite.cluster.replica('replica').pause();
    await router.getClient('write').insert(users).values({ email: 'a@x', name: 'A' });
    for (let i = 0; i < 3; i++) await router.getClient('read').select().from(users);
    await router.getClient('analytics', { token: 'forged' }).select().from(users);
    await router.checkHealth();

    const exposition = prometheusMetrics(router);
    const text = await exposition.text();
    const families = parse(text);
    const metrics = router.getMetrics();
    const health = router.getHealthStatus();

    const routed = family(families, 'multidb_router_queries_routed_total');
    expect(routed.type).toBe('COUNTER');
    for (const [intent, perNode] of Object.entries(metrics.routed))
      for (const [node, count] of Object.entries(perNode))
        expect(value(routed, { intent, node })).toBe(count);
    expect(value(routed, { intent: 'read', node: 'replica' })).toBe(3);
    expect(value(routed, { intent: 'write', node: 'primary' })).toBe(1);
    expect(
      value(family(families, 'multidb_router_consistency_events_total'), { event: 'invalid_token' }),
    ).toBe(1);
    expect(value(family(families, 'multidb_router_failovers_total'))).toBe(metrics.failovers);
    expect(value(family(families, 'multidb_router_retries_total'))).toBe(metrics.retries);

    const up = family(families, 'multidb_router_node_up');
    expect(up.type).toBe('GAUGE');
    expect(up.metrics.map((m) => [m.labels?.node, m.labels?.role, Number(m.value)])).toEqual([
      ['primary', 'primary', 1],
      ['replica', 'replica', 1],
      ['remote', 'replica', 0],
    ]);
    const replicaHealth = health.nodes.find((n) => n.name === 'replica');
    expect(replicaHealth?.lagBytes).toBeGreaterThan(0);
    const lagBytes = family(families, 'multidb_router_node_replication_lag_bytes');
    expect(value(lagBytes, { node: 'replica' })).toBe(replicaHealth?.lagBytes);
    // Unknown lag (the unreachable node) is absent, never a made-up 0; the primary has none.
    expect(lagBytes.metrics.map((m) => m.labels?.node)).toEqual(['replica']);
    const state = family(families, 'multidb_router_node_replication_state');
    expect(value(state, { node: 'replica', state: 'streaming' })).toBe(1);
    expect(value(state, { node: 'remote', state: 'unknown' })).toBe(1);

    const p99 = family(families, 'multidb_router_node_query_latency_p99_seconds');
    expect(value(p99, { node: 'replica' })).toBeCloseTo((metrics.nodes.replica?.latencyP99Ms ?? 0) / 1000, 9);
    const errors = family(families, 'multidb_router_node_query_errors_total');
    expect(value(errors, { node: 'remote', kind: 'any' })).toBe(metrics.nodes.remote?.errors);
    expect(value(family(families, 'multidb_router_node_down_total'), { node: 'remote' })).toBe(1);
    expect(value(family(families, 'multidb_router_last_health_check_timestamp_seconds'))).toBe(
      Date.parse(metrics.lastHealthCheckAt as string) / 1000,
    );
    expect(value(family(families, 'multidb_router_writable'))).toBe(1);
    expect(value(family(families, 'multidb_router_forced_to_primary'))).toBe(0);

    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('://');
    expect(text).not.toContain('ECONNREFUSED');
  });

  test('each scrape reads the router again; counters follow its counts', async () => {
    const router = makeRouter();
    await router.checkHealth();
    const exposition = prometheusMetrics(router);
    const count = async () =>
      value(family(parse(await exposition.text()), 'multidb_router_queries_routed_total'), {
        intent: 'read',
        node: 'replica',
      });
    expect(await count()).toBe(0);
    await router.getClient('read').select().from(users);
    await router.getClient('read').select().from(users);
    expect(await count()).toBe(2);
    router.forceFailoverToPrimary();
    expect(value(family(parse(await exposition.text()), 'multidb_router_forced_to_primary'))).toBe(1);
  });

  test('no health check yet: the timestamp is 0 and no node has a check time', async () => {
    const router = makeRouter();
    const families = parse(await prometheusMetrics(router).text());
    expect(value(family(families, 'multidb_router_last_health_check_timestamp_seconds'))).toBe(0);
    expect(family(families, 'multidb_router_node_last_check_timestamp_seconds').metrics).toEqual([]);
  });

  test('a shared registry with a prefix, the handler, and a bad prefix', async () => {
    const router = makeRouter();
    const registry = new Registry();
    const exposition = prometheusMetrics(router, { registry, prefix: 'app_db_' });
    expect(exposition.registry).toBe(registry);
    expect(
      (await registry.metrics()).split('\n').filter((l) => l.startsWith('# TYPE')).length,
    ).toBeGreaterThan(15);
    const response = await exposition.handler(new Request('http://app.test/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(exposition.contentType);
    expect(exposition.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(parse(await response.text()).every((f) => f.name.startsWith('app_db_'))).toBe(true);
    expect(
      (await exposition.handler(new Request('http://app.test/metrics', { method: 'POST' }))).status,
    ).toBe(405);
    expect(() => prometheusMetrics(router, { prefix: 'bad prefix' })).toThrow(MultiDbError);
  });
});
