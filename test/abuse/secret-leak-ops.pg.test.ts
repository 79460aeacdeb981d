import { readFileSync } from 'node:fs';
import { connect, type DbHandle } from '@multidb/config';
import { createDualWriter } from '@multidb/dual-write';
import { createDbRouter, createOpsHandler, type DbRouter, driftRecorder } from '@multidb/router';
import { prometheusMetrics } from '@multidb/router/prometheus';
import { checkDrift } from '@multidb/sync';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakScan, uniqueMarker } from './support/leak-scan.js';

// The ops page (HTML and its JSON), the Prometheus text with drift and the backup, and the Grafana dashboard,
// with every node URL carrying the marker as its password, one node refusing it and one unreachable, a backup
// that refuses it, and a drift check that fails on it: the marker never appears, nor the query text.
const MARKER = uniqueMarker();
const TOKEN = 'ops-page-token-0123456789abcdef';
const scan = new LeakScan(MARKER);
const notes = pgTable('leak_ops_notes', { id: integer().primaryKey(), body: text().notNull() });
let cluster: PgCluster;
let router: DbRouter<{ notes: typeof notes }>;
let primary: DbHandle;
let backup: DbHandle;

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 1, backup: true, password: MARKER });
  const replica = cluster.replicas[0]?.url as string;
  for (const node of [cluster.primary, cluster.backup])
    await node?.sql('CREATE TABLE leak_ops_notes (id int PRIMARY KEY, body text NOT NULL)');
  await cluster.waitForReplication();
  primary = await connect(cluster.primary.url);
  backup = await connect(String(cluster.backup?.url).replace(MARKER, `${MARKER}x`), {
    connectTimeout: 1,
  });
  router = createDbRouter({
    primary: cluster.primary.url,
    replicas: [
      { name: 'replica', db: replica },
      { name: 'wrong-password', db: replica.replace(MARKER, `${MARKER}x`) },
      { name: 'gone', db: replica.replace(/:(\d+)\//, ':1/'), role: 'dr' },
    ],
    schema: { notes },
    health: { intervalMs: 100, timeoutMs: 1000, failuresToDown: 1, successesToUp: 1 },
    connect: { connectTimeout: 2 },
  });
});
afterAll(async () => {
  await router?.close();
  await backup?.close();
  await primary?.close();
  await cluster?.stop();
});

describe('secret-leak scan of the ops page, the exposition with drift and the dashboard (password = marker)', () => {
  it('no password, connection string or query text in any of them', async () => {
    const writer = createDualWriter({
      backup: backup.db,
      primary: primary.db,
      schema: { notes },
      retryDelaysMs: [10],
    });
    await writer.wrap(primary.db).insert(notes).values({ id: 1, body: 'secret-body' });
    await writer.flush(1500);
    await router.getClient('read').select().from(notes);
    await router.checkHealth();
    const drift = driftRecorder();
    const failed = await checkDrift({
      source: cluster.primary.url,
      target: String(cluster.replicas[0]?.url).replace(/:(\d+)\//, ':1/'),
    });
    failed.match(
      (r) => drift.record(r),
      (e) => drift.recordFailure(e.type),
    );
    expect(drift.latest()?.error).not.toBeNull();

    const ops = createOpsHandler({ router, writers: { backup: writer }, drift, token: TOKEN });
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    for (const [label, req] of [
      ['ops page', new Request('http://ops/ops', auth)],
      ['ops state', new Request('http://ops/ops?state=1', auth)],
      ['ops anonymous', new Request('http://ops/ops')],
    ] as const) {
      const res = await ops(req);
      const text = await res.text();
      scan.add(`${label} (${res.status})`, text);
      expect(text).not.toMatch(/leak_ops_notes|secret-body|insert into/i);
    }
    scan.add(
      'prometheus with backup and drift',
      await prometheusMetrics(router, { backup: { writer }, drift }).text(),
    );
    scan.add('dashboard', readFileSync(new URL('../../dashboards/multidb.json', import.meta.url), 'utf8'));
    expect(
      scan.captured.some((c) => c.source.startsWith('ops page') && c.text.includes('wrong-password')),
    ).toBe(true);
    scan.expectClean(5);
    await writer.drain(100);
  });
});
