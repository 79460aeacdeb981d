import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { buildDashboard, dashboardExpressions } from '../../../scripts/dashboard/multidb-dashboard.js';
import { type BackupSources, createDbRouter, driftRecorder } from '../src/index.js';
import { prometheusMetrics } from '../src/prometheus/index.js';
import { useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => { name: string; metrics: unknown[] }[];

const COMMITTED = new URL('../../../dashboards/multidb.json', import.meta.url);
const suite = useInMemoryCluster(['replica']);

// Backup sources shaped like a dual-write writer's metrics() and ReplicationMonitor.latest().
const backup: BackupSources = {
  writer: {
    metrics: () => ({
      mode: 'durable',
      depth: 3,
      oldestPendingAgeMs: 1200,
      deadLettered: 1,
      overflowed: 0,
      backupReachable: true,
    }),
  },
  replication: {
    latest: () => ({
      healthy: true,
      lagBytes: 4096,
      lagMs: 250,
      slot: { retainedBytes: 8192 },
      applyErrors: 0,
      syncErrors: 0,
      warnings: [],
    }),
  },
};

/** The series names an expression reads (every one carries the exposition's prefix). */
function seriesOf(expr: string): string[] {
  return [...expr.matchAll(/\bmultidb_router_[a-zA-Z0-9_:]*/g)].map((m) => m[0]);
}

describe('dashboards/multidb.json', () => {
  test('the committed file is what scripts/dashboard.ts generates (run pnpm dashboard)', () => {
    const committed: unknown = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildDashboard())));
  });

  test('it imports as it is: a Prometheus data source variable, a uid, a refresh, panels on the grid', () => {
    const d = buildDashboard();
    expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(d.refresh).toMatch(/^\d+[smh]$/);
    const ds = d.templating.list.find((v) => v.type === 'datasource');
    expect(ds?.query).toBe('prometheus');
    const panels = d.panels as {
      id: number;
      type: string;
      gridPos: { x: number; w: number };
      datasource?: { uid: string };
      targets?: { expr: string }[];
    }[];
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(panel.datasource?.uid).toBe(`\${${ds?.name}}`);
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    // No credential, URL or query text can be in it: only series names, labels and PromQL.
    expect(JSON.stringify(d)).not.toMatch(/:\/\/|password|select /i);
  });

  test('every series named in every expression is in a real scrape of a router with a backup and drift', async () => {
    const router = suite.track(
      createDbRouter<TestSchema>({
        primary: suite.cluster.primary,
        replicas: [suite.cluster.spec('replica')],
        health: { background: false },
        lag: { maxBytes: 1 << 20, maxSeconds: 10 },
      }),
    );
    await router.checkHealth();
    await router.getClient('read').select().from(users);
    const drift = driftRecorder();
    drift.record({ clean: true, schema: [], tables: [{ missing: 0, extra: 0, changed: 0 }], ms: 12 });
    const scraped = new Set(
      parse(await prometheusMetrics(router, { backup, drift }).text())
        .filter((f) => f.metrics.length > 0)
        .map((f) => f.name),
    );
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const expr of expressions) {
      const names = seriesOf(expr);
      expect(names, expr).not.toEqual([]);
      for (const name of names) if (!scraped.has(name)) missing.push(`${name} (in ${expr})`);
    }
    expect(missing).toEqual([]);
    // The JSON holds exactly these expressions.
    const inJson = (buildDashboard().panels as { targets?: { expr: string }[] }[]).flatMap(
      (p) => p.targets?.map((t) => t.expr) ?? [],
    );
    expect(inJson).toEqual(expressions);
  });
});
