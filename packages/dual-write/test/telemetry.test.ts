import type { PGlite } from '@electric-sql/pglite';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, OutboxDrainer } from '../src/index.js';
import { blockPglite } from './support/block-backup.js';
import { otelHarness, spanText } from './support/otel-harness.js';
import { durableWriterWithoutDrainer, type Pair, pglitePair } from './support/pair.js';
import { counters, schema } from './support/schema.js';

let pair: Pair;
let backupPg: PGlite;
const harnesses: ReturnType<typeof otelHarness>[] = [];

beforeAll(async () => {
  pair = await pglitePair();
  backupPg = pair.backup.pglite as PGlite;
});
afterAll(async () => {
  await backupPg.exec('alter table counters drop constraint if exists backup_only');
  await pair?.close();
});
beforeEach(async () => {
  await pair.reset();
  await backupPg.exec('alter table counters drop constraint if exists backup_only');
  await backupPg.exec('alter table counters add constraint backup_only check (n < 1000)');
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.shutdown()));
});

function harness() {
  const h = otelHarness();
  harnesses.push(h);
  return h;
}

const SECRET_VALUE = 'row-value-7e1a';

describe('backup apply spans', () => {
  it('memory mode: one span per batch with rows, tables and outcome; a rejected row makes it partial', async () => {
    const h = harness();
    const writer = createDualWriter({ backup: pair.backup.db, retryDelaysMs: [], telemetry: h });
    const db = writer.wrap(pair.primary.db);
    await db.insert(counters).values({ name: 'one', n: 1 });
    expect(await writer.flush(10_000)).toBe(true);
    const [first] = h.spans();
    expect(first?.name).toBe('multidb.backup.apply');
    expect(first?.kind).toBe(SpanKind.CLIENT);
    expect(first?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'multidb.backup.mode': 'memory',
      'multidb.backup.rows': 1,
      'multidb.backup.units': 1,
      'multidb.backup.tables': ['public.counters'],
      'multidb.backup.outcome': 'applied',
      'multidb.backup.applied_rows': 1,
      'multidb.backup.rejected_rows': 0,
    });
    h.reset();
    const release = await blockPglite(backupPg);
    try {
      for (const row of [
        { name: 'g1', n: 1 },
        { name: SECRET_VALUE, n: 5000 },
        { name: 'g2', n: 2 },
      ])
        await db.insert(counters).values(row);
    } finally {
      await release();
    }
    expect(await writer.flush(10_000)).toBe(true);
    const spans = h.spans();
    const rejected = spans.filter((s) => (s.attributes['multidb.backup.rejected_rows'] as number) > 0);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected[0]?.attributes['error.type']).toBe('23514');
    expect(spans.reduce((n, s) => n + (s.attributes['multidb.backup.applied_rows'] as number), 0)).toBe(2);
    // Row values and messages never ride along.
    expect(spans.map(spanText).join('\n')).not.toContain(SECRET_VALUE);
    expect(spans.map(spanText).join('\n')).not.toContain('backup_only');
    await writer.drain(1000);
  });

  it('a batch the backup rejects entirely (a missing table): outcome rejected, status ERROR with the SQLSTATE', async () => {
    const h = harness();
    const writer = createDualWriter({ backup: pair.backup.db, retryDelaysMs: [], telemetry: h });
    const db = writer.wrap(pair.primary.db);
    await backupPg.exec('alter table counters rename to counters_away');
    try {
      await db.insert(counters).values({ name: 'x', n: 1 });
      await writer.flush(2000);
    } finally {
      await backupPg.exec('alter table counters_away rename to counters');
    }
    const span = h.spans().find((s) => s.status.code === SpanStatusCode.ERROR);
    expect(span?.attributes).toMatchObject({ 'error.type': '42P01', 'multidb.backup.outcome': 'rejected' });
    expect(span?.status.message).toBe('42P01');
    await writer.drain(1000);
  });

  it('durable mode: a drain round is a batch span too', async () => {
    const h = harness();
    const db = durableWriterWithoutDrainer(pair).wrap(pair.primary.db);
    await db.insert(counters).values({ name: 'd1', n: 1 });
    await db.insert(counters).values({ name: 'd2', n: 2 });
    const d = new OutboxDrainer({
      primary: pair.primary.db,
      backup: pair.backup.db,
      tables: schema,
      depthRefreshMs: 0,
      telemetry: h,
    });
    try {
      await d.drainOnce();
    } finally {
      await d.stop();
    }
    const [span] = h.spans();
    expect(span?.attributes).toMatchObject({
      'multidb.backup.mode': 'durable',
      'multidb.backup.rows': 2,
      'multidb.backup.outcome': 'applied',
    });
  });
});

describe('backup gauges', () => {
  it('queue depth and lag are observed from the writer: 2 rows held back, then 0 once applied', async () => {
    const h = harness();
    const writer = createDualWriter({ backup: pair.backup.db, telemetry: h });
    const db = writer.wrap(pair.primary.db);
    const release = await blockPglite(backupPg);
    let points: Awaited<ReturnType<typeof h.metrics>>;
    try {
      await db.insert(counters).values([
        { name: 'q1', n: 1 },
        { name: 'q2', n: 2 },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      points = await h.metrics();
    } finally {
      await release();
    }
    const depth = points.find((p) => p.name === 'multidb.backup.queue.depth');
    const lag = points.find((p) => p.name === 'multidb.backup.lag');
    expect(depth).toMatchObject({ unit: '{row}', value: 2, attributes: { 'multidb.backup.mode': 'memory' } });
    expect(lag?.unit).toBe('s');
    expect(lag?.value as number).toBeGreaterThan(0);
    expect(await writer.flush(10_000)).toBe(true);
    const after = await h.metrics();
    expect(after.find((p) => p.name === 'multidb.backup.queue.depth')?.value).toBe(0);
    expect(after.find((p) => p.name === 'multidb.backup.lag')?.value).toBe(0);
    expect(await writer.drain(1000)).toBe(true);
  });
});
