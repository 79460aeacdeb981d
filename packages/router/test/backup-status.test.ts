import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { type BackupSources, createDbRouter, createHealthHandler } from '../src/index.js';
import { prometheusMetrics } from '../src/prometheus/index.js';
import { useInMemoryCluster } from './support/in-memory-cluster.js';
import type { TestSchema } from './support/test-schema.js';

// The backup's engines next to the nodes: the dual-write queue and logical replication's latest status, in the
// health detail (token only) and the Prometheus exposition; never a connection string, never a serving change.
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => { name: string; metrics: { value: string; labels?: Record<string, string> }[] }[];
const TOKEN = 'backup-status-token-0123456789';
const SECRET = 'Marker-Secret-77aa';
const suite = useInMemoryCluster(['replica']);

function router() {
  const r = createDbRouter<TestSchema>({
    primary: suite.cluster.primary,
    replicas: [suite.cluster.spec('replica')],
    health: { background: false },
  });
  suite.track(r);
  return r;
}

const writer = {
  metrics: () => ({
    mode: 'memory' as const,
    depth: 42,
    oldestPendingAgeMs: 1500,
    deadLettered: 3,
    overflowed: 0,
    backupReachable: false,
  }),
};
const replication = {
  latest: () => ({
    healthy: false,
    lagBytes: 8192,
    lagMs: 250,
    slot: { retainedBytes: 65_536 },
    applyErrors: 2,
    syncErrors: 0,
    warnings: [`status could not be read: connect postgres://app:${SECRET}@10.0.0.9/app refused`],
  }),
};

describe('backup status next to the nodes', () => {
  test('Prometheus: backup_* and replication_* series, unknown values left out', async () => {
    const exposition = prometheusMetrics(router(), { backup: { writer, replication } });
    const text = await exposition.text();
    expect(text).not.toContain(SECRET);
    const value = (name: string, labels?: Record<string, string>) =>
      parse(text)
        .find((f) => f.name === `multidb_router_${name}`)
        ?.metrics.find((m) => labels === undefined || m.labels?.kind === labels.kind)?.value;
    expect(value('backup_queue_depth')).toBe('42');
    expect(value('backup_queue_lag_seconds')).toBe('1.5');
    expect(value('backup_dead_letters_total')).toBe('3');
    expect(value('backup_reachable')).toBe('0');
    expect(value('replication_healthy')).toBe('0');
    expect(value('replication_lag_bytes')).toBe('8192');
    expect(value('replication_lag_seconds')).toBe('0.25');
    expect(value('replication_slot_retained_bytes')).toBe('65536');
    expect(value('replication_errors_total', { kind: 'apply' })).toBe('2');

    const before = prometheusMetrics(router(), { backup: { replication: { latest: () => undefined } } });
    const empty = await before.text();
    expect(empty).not.toMatch(/^multidb_router_replication_lag_bytes /m);
    expect(empty).not.toMatch(/^multidb_router_backup_queue_depth /m);
    const none = await prometheusMetrics(router()).text();
    expect(none).not.toContain('backup_queue_depth');
  });

  test('health detail with the token shows the backup; without it nothing; the status is unchanged', async () => {
    const r = router();
    const sources: BackupSources = { writer, replication };
    const handler = createHealthHandler(r, { token: TOKEN, backup: sources });
    const plain = createHealthHandler(r, { token: TOKEN });
    const authed = (h: typeof handler) =>
      h(new Request('http://x/health', { headers: { authorization: `Bearer ${TOKEN}` } }));
    const withBackup = await authed(handler);
    const without = await authed(plain);
    expect(withBackup.status).toBe(without.status);
    const body = await withBackup.text();
    expect(body).not.toContain(SECRET);
    const detail = JSON.parse(body) as {
      backup: { queue: { depth: number }; replication: { lagBytes: number } };
    };
    expect(detail.backup.queue.depth).toBe(42);
    expect(detail.backup.replication.lagBytes).toBe(8192);
    const anonymous: unknown = await (await handler(new Request('http://x/health'))).json();
    expect(anonymous).toEqual({ status: expect.any(String) });
  });

  test('a source that throws is left out instead of failing the endpoint', async () => {
    const broken = {
      metrics: () => {
        throw new Error('boom');
      },
    };
    const handler = createHealthHandler(router(), { token: TOKEN, backup: { writer: broken } });
    const res = await handler(
      new Request('http://x/health', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(res.status).toBeLessThan(600);
    expect(((await res.json()) as { backup: unknown }).backup).toEqual({});
  });
});
