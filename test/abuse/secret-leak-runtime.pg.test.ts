import { connect, type DbHandle, describeError, loadConfig, MultiDbError } from '@multidb/config';
import { createDualWriter } from '@multidb/dual-write';
import { createDbRouter, createHealthHandler, type DbRouter } from '@multidb/router';
import { prometheusMetrics } from '@multidb/router/prometheus';
import { checkDrift, createDriftHealthHandler, syncBackup } from '@multidb/sync';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { sql } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakScan, uniqueMarker } from './support/leak-scan.js';

// What a running application exposes (health bodies, Prometheus text, metrics and health snapshots, dual-write
// logs and metrics, errors it throws), with every node URL carrying the marker as its password, some of them
// wrong or unreachable so that errors happen: the marker never appears. An OpenTelemetry SDK is registered
// globally, so the router's and the writer's spans and metrics are scanned too (and hold no query text).
const MARKER = uniqueMarker();
const TOKEN = 'health-detail-token-0123456789';
const scan = new LeakScan(MARKER);
const notes = pgTable('leak_notes', { id: integer().primaryKey(), body: text().notNull() });
let cluster: PgCluster;
let router: DbRouter<{ notes: typeof notes }>;
let primary: DbHandle;
let urls: { primary: string; replica: string; backup: string; wrong: string; closed: string };
const spans = new InMemorySpanExporter();
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}
const reader = new OnDemandReader();
/** Every span (name, attributes, events, status) and every metric point (name, attributes), as text. */
async function telemetryText(): Promise<string> {
  const { resourceMetrics } = await reader.collect();
  return JSON.stringify({
    spans: spans.getFinishedSpans().map((s) => ({
      name: s.name,
      attributes: s.attributes,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      status: s.status,
    })),
    metrics: resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.map((m) => ({ name: m.descriptor.name, points: m.dataPoints.map((p) => p.attributes) })),
    ),
  });
}

const get = (url: string, auth?: string) =>
  new Request(url, auth === undefined ? {} : { headers: { authorization: `Bearer ${auth}` } });
const body = async (label: string, response: Promise<Response>) => {
  const res = await response;
  scan.add(`${label} (${res.status})`, await res.text());
  return res.status;
};
const captureError = async (label: string, fn: () => Promise<unknown>) => {
  try {
    await fn();
    scan.add(`${label}: no error`, '');
  } catch (error) {
    scan.add(
      `${label} message`,
      error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error),
    );
    scan.add(`${label} describeError`, describeError(error));
    scan.add(`${label} json`, JSON.stringify(error, Object.getOwnPropertyNames(error)));
  }
};

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  cluster = await startPgCluster({ replicas: 1, backup: true, password: MARKER });
  const replica = cluster.replicas[0]?.url as string;
  urls = {
    primary: cluster.primary.url,
    replica,
    backup: cluster.backup?.url as string,
    wrong: replica.replace(MARKER, `${MARKER}x`),
    closed: replica.replace(/:(\d+)\//, ':1/'),
  };
  primary = await connect(urls.primary);
  for (const node of [cluster.primary, cluster.backup])
    await node?.sql('CREATE TABLE leak_notes (id int PRIMARY KEY, body text NOT NULL)');
  await cluster.waitForReplication();
  router = createDbRouter({
    primary: urls.primary,
    replicas: [
      { name: 'replica', db: urls.replica },
      { name: 'wrong-password', db: urls.wrong },
      { name: 'gone', db: urls.closed, role: 'dr' },
    ],
    schema: { notes },
    health: { intervalMs: 100, timeoutMs: 1000, failuresToDown: 1, successesToUp: 1 },
    connect: { connectTimeout: 2 },
  });
});
afterAll(async () => {
  trace.disable();
  metrics.disable();
  await router?.close();
  await primary?.close();
  await cluster?.stop();
});

describe('secret-leak scan of what a running app exposes (real PostgreSQL, password = marker)', () => {
  it('router: health handler bodies, Prometheus text, health and metrics snapshots, query errors', async () => {
    await router.getClient('write').insert(notes).values({ id: 1, body: 'x' });
    await router.getClient('read').select().from(notes);
    await captureError(
      'query on the wrong-password node',
      () => router.$replicas[1]?.select().from(notes) as Promise<unknown>,
    );
    await captureError(
      'query on the closed node',
      () => router.$replicas[2]?.select().from(notes) as Promise<unknown>,
    );
    const health = await router.checkHealth();
    expect(health.nodes.find((n) => n.name === 'wrong-password')?.lastError).toMatch(/password|auth/i);
    scan.add('getHealthStatus', router.getHealthStatus());
    scan.add('getMetrics', router.getMetrics());
    scan.add('prometheus text', await prometheusMetrics(router).text());
    const handler = createHealthHandler(router, { token: TOKEN });
    expect(await body('health anonymous', handler(get('http://app/health')))).toBe(200);
    expect(await body('health detail', handler(get('http://app/health', TOKEN)))).toBe(200);
    expect(await body('health wrong token', handler(get('http://app/health', 'x'.repeat(20))))).toBe(401);
    expect(
      scan.captured.some((c) => c.source.startsWith('health detail') && c.text.includes('wrong-password')),
    ).toBe(true);
    const otel = await telemetryText();
    expect(otel).toContain('"multidb.node":"wrong-password"');
    expect(otel).toContain('"server.address"');
    // No query text (nor parameters) unless `captureQueryText` opts in.
    expect(otel).not.toMatch(/db\.query\.text|"leak_notes"\."id"|select "|\bfrom\b/i);
    scan.add('OpenTelemetry spans and metrics (router)', otel);
    scan.expectClean(11);
  });

  it('dual-write: metrics, dead letters and logs while the backup refuses the password or is unreachable', async () => {
    for (const [label, url] of [
      ['wrong password', urls.backup.replace(MARKER, `${MARKER}x`)],
      ['closed port', urls.closed],
    ]) {
      const backup = await connect(url as string, { connectTimeout: 1 });
      const writer = createDualWriter({
        backup: backup.db,
        primary: primary.db,
        schema: { notes },
        retryDelaysMs: [10, 10],
        logger: {
          debug: (m, c) => scan.add(`dual-write log (${label})`, { m, c }),
          info: (m, c) => scan.add(`dual-write log (${label})`, { m, c }),
          warn: (m, c) => scan.add(`dual-write log (${label})`, { m, c }),
          error: (m, c) => scan.add(`dual-write log (${label})`, { m, c }),
        },
      });
      const db = writer.wrap(primary.db);
      await db.insert(notes).values({ id: label === 'closed port' ? 3 : 2, body: 'y' });
      await writer.flush(1500);
      // Unreachable: held; wrong password: rejected, retried and dead-lettered. Either way an error was recorded.
      expect(writer.metrics().lastError).toBeDefined();
      scan.add(`dual-write metrics (${label})`, writer.metrics());
      scan.add(`dual-write dead letters (${label})`, writer.deadLetters());
      await writer.drain(100);
      await backup.close();
    }
    expect(scan.captured.some((c) => c.source.startsWith('dual-write log'))).toBe(true);
    const otel = await telemetryText();
    expect(otel).toContain('multidb.backup.apply');
    scan.add('OpenTelemetry spans and metrics (router and dual-write)', otel);
    scan.expectClean(17);
  });

  it('sync: drift health handler bodies (shallow and deep), checkDrift and syncBackup errors', async () => {
    const healthy = createDriftHealthHandler({
      source: urls.primary,
      target: urls.backup,
      token: TOKEN,
      recheckDelayMs: 0,
    });
    expect(await body('drift health', healthy(get('http://ops/drift', TOKEN)))).toBe(200);
    expect(await body('drift health deep', healthy(get('http://ops/drift?deep=1', TOKEN)))).toBe(200);
    expect(await body('drift health anonymous', healthy(get('http://ops/drift')))).toBe(401);
    const broken = createDriftHealthHandler({ source: urls.primary, target: urls.wrong, token: TOKEN });
    expect(await body('drift health, wrong target password', broken(get('http://ops/drift', TOKEN)))).toBe(
      503,
    );
    expect(
      await body('drift health deep, wrong password', broken(get('http://ops/drift?deep=1', TOKEN))),
    ).toBe(503);
    scan.add('checkDrift error', await checkDrift({ source: urls.primary, target: urls.closed }));
    scan.add('syncBackup error', await syncBackup({ source: urls.wrong, target: urls.backup }));
    scan.add(
      'checkDrift report',
      await checkDrift({ source: urls.primary, target: urls.backup, recheckDelayMs: 0 }),
    );
    scan.expectClean(24);
  });

  it('config: connect and loadConfig errors, topology printed', async () => {
    await captureError('connect malformed', () => connect(`postgres://app:${MARKER}@[::1`));
    await captureError('connect wrong password', async () => {
      const handle = await connect(urls.wrong, { connectTimeout: 2 });
      try {
        await handle.db.execute(sql`select 1`);
      } finally {
        await handle.close();
      }
    });
    const bad = loadConfig(
      {},
      { DATABASE_URL: `mysql://root:${MARKER}@db/x`, BACKUP_DATABASE_URL: urls.backup },
    );
    scan.add('loadConfig error', bad.isErr() ? bad.error : 'no error');
    const good = loadConfig({}, { DATABASE_URL: urls.primary, DATABASE_READ_REPLICA_1_URL: urls.replica });
    scan.add('topology JSON', good.isOk() ? good.value : good.error);
    scan.add('topology String', good.isOk() ? String(good.value) : '');
    const error = new MultiDbError('ConnectFailed', `cannot reach ${urls.primary}`, { url: urls.primary });
    scan.add('MultiDbError', `${error.message} ${JSON.stringify(error.context)}`);
    scan.expectClean(32);
  });
});
