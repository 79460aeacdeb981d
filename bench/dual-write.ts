/**
 * Dual-write costs. (1) Primary-path latency of a single-row `insert ... returning` through the wrapper (memory
 * and durable mode, their appliers running in the same process) against the raw Drizzle insert. (2) Backup apply
 * throughput of the memory queue and of the outbox drainer against a raw batched upsert (500 rows per statement)
 * of the same rows into the same backup. PGlite, and real PostgreSQL when the server binaries exist.
 * `npx tsx bench/dual-write.ts` — writes bench/results/dual-write.md.
 */
import { PGlite } from '@electric-sql/pglite';
import { type AnyPgDatabase, connect, type DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createDualWriter, type DualWriter, ensureOutbox, OutboxDrainer } from '@multidb/dual-write';
import { pgBinariesAvailable, startPgCluster } from '@multidb/testing';
import { sql } from 'drizzle-orm';
import { bigserial, integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { fmt, machine, measure, type Ratio, type Sample, timeMs, writeResults } from './lib/bench-kit.js';

const items = pgTable('bench_items', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull(),
  qty: integer('qty').notNull(),
  price: numeric('price', { precision: 12, scale: 2 }).notNull(),
  tags: jsonb('tags').$type<string[]>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
const schema = { items };
const DDL = `create table bench_items (id bigserial primary key, name text not null, qty integer not null,
  price numeric(12, 2) not null, tags jsonb, created_at timestamptz not null default now())`;
const OPS_PER_RUN = 250;
const LATENCY_RUNS = 15;
const APPLY_ROWS = 20_000;
const APPLY_RUNS = 5;
const BATCH = 500;

interface Target {
  readonly label: string;
  readonly primary: DbHandle;
  readonly backup: DbHandle;
  /** Makes every backup write wait (rows pile up in the queue) until the returned function is called. */
  block(): Promise<() => Promise<void>>;
}

const row = (i: number) => ({
  name: `item ${i}`,
  qty: i % 100,
  price: `${i % 1000}.25`,
  tags: ['a', `t${i % 7}`],
});
const truncate = (h: DbHandle) =>
  h.exec('truncate bench_items; truncate multidb.dual_write_outbox');

interface Contender {
  readonly db: AnyPgDatabase;
  /** Before the timed block (e.g. hold the backup so nothing is applied meanwhile). */
  before?(): Promise<void>;
  /** After the timed block, untimed (release, apply everything). */
  after?(): Promise<void>;
}

/**
 * µs per `insert ... returning`, blocks of ops, block order rotating run by run. "held" contenders keep the
 * backup busy during their block, so the figure is the wrapper's own cost on the caller's path (what it costs
 * when the backup is another machine); "applying" ones let the applier run alongside, on this same machine.
 */
async function latency(target: Target) {
  const { primary, backup } = target;
  const writers: DualWriter[] = [];
  const writer = (options: Partial<Parameters<typeof createDualWriter>[0]>) => {
    const created = createDualWriter({
      backup: backup.db,
      primary: primary.db,
      schema,
      maxDepth: 1e6,
      ...options,
    });
    writers.push(created);
    return created;
  };
  const memoryHeld = writer({});
  const memoryApplying = writer({});
  const durableHeld = writer({ mode: 'durable', drainer: false });
  const durableApplying = writer({ mode: 'durable', drainer: { pollIntervalMs: 100 } });
  const drainer = new OutboxDrainer({ primary: primary.db, backup: backup.db, tables: schema });
  let release: (() => Promise<void>) | undefined;
  const contenders: Record<string, Contender> = {
    raw: { db: primary.db },
    'memory, backup held': {
      db: memoryHeld.wrap(primary.db),
      before: async () => {
        release = await target.block();
      },
      after: async () => {
        await release?.();
        await memoryHeld.flush();
      },
    },
    'durable, drainer idle': {
      db: durableHeld.wrap(primary.db),
      after: async () => void (await drainer.flush()),
    },
    'memory, applying alongside': {
      db: memoryApplying.wrap(primary.db),
      after: () => memoryApplying.flush().then(),
    },
    'durable, drainer alongside': {
      db: durableApplying.wrap(primary.db),
      after: () => durableApplying.flush().then(),
    },
  };
  const names = Object.keys(contenders);
  const runs: Record<string, number>[] = [];
  for (let run = 0; run <= LATENCY_RUNS; run++) {
    const perOp: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(run + k) % names.length] as string;
      const contender = contenders[name] as Contender;
      await contender.before?.();
      const spent = await timeMs(async () => {
        for (let i = 0; i < OPS_PER_RUN; i++) await contender.db.insert(items).values(row(i)).returning();
      });
      perOp[name] = (spent * 1000) / OPS_PER_RUN;
      await contender.after?.();
    }
    if (run > 0) runs.push(perOp); // run 0 warms up
  }
  await drainer.stop();
  for (const w of writers) await w.drain();
  const sample = (values: number[]) => measure(() => values.shift() as number, values.length, 0);
  const per: Record<string, Sample> = {};
  const ratio: Record<string, Sample> = {};
  for (const name of names) {
    per[name] = await sample(runs.map((r) => r[name] as number));
    ratio[name] = await sample(runs.map((r) => (r[name] as number) / (r.raw as number)));
  }
  return { per, ratio };
}

/** Rows per second into the backup: raw batched upserts, the memory queue, the outbox drainer. */
async function throughput(target: Target) {
  const { primary, backup } = target;
  const rawUpsert = async (rows: (typeof items.$inferSelect)[]) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      await backup.db.transaction(async (tx) => {
        await tx
          .insert(items)
          .values(rows.slice(i, i + BATCH))
          .onConflictDoUpdate({
            target: items.id,
            set: {
              name: sql`excluded.name`,
              qty: sql`excluded.qty`,
              price: sql`excluded.price`,
              tags: sql`excluded.tags`,
              createdAt: sql`excluded.created_at`,
            },
          });
      });
    }
  };
  const runs: { raw: number; memory: number; durable: number }[] = [];
  for (let run = 0; run <= APPLY_RUNS; run++) {
    await truncate(primary);
    await truncate(backup);
    // Memory mode: every row captured from its own statement while the backup is held, then released.
    const memory = createDualWriter({
      backup: backup.db,
      primary: primary.db,
      schema,
      maxDepth: 1e6,
      batchSize: BATCH,
    });
    const wrapped = memory.wrap(primary.db);
    const release = await target.block();
    for (let i = 0; i < APPLY_ROWS; i++) await wrapped.insert(items).values(row(i));
    const memoryMs = await timeMs(async () => {
      await release();
      await memory.flush();
    });
    await memory.drain();
    const rows = await primary.db.select().from(items);
    await truncate(backup);
    const rawMs = await timeMs(() => rawUpsert(rows));
    // Durable mode: the same number of rows through the outbox, drained by a fresh drainer.
    await truncate(primary);
    await truncate(backup);
    const durable = createDualWriter({
      backup: backup.db,
      primary: primary.db,
      mode: 'durable',
      schema,
      drainer: false,
    });
    const dwrapped = durable.wrap(primary.db);
    for (let i = 0; i < APPLY_ROWS; i++) await dwrapped.insert(items).values(row(i));
    const drainer = new OutboxDrainer({
      primary: primary.db,
      backup: backup.db,
      tables: schema,
      batchSize: BATCH,
    });
    const durableMs = await timeMs(() => drainer.flush(600_000));
    await drainer.stop();
    if (run > 0) runs.push({ raw: rawMs, memory: memoryMs, durable: durableMs });
  }
  const perSecond = (ms: number) => APPLY_ROWS / (ms / 1000);
  const sample = (values: number[]) => measure(() => values.shift() as number, values.length, 0);
  return {
    raw: await sample(runs.map((r) => perSecond(r.raw))),
    memory: await sample(runs.map((r) => perSecond(r.memory))),
    durable: await sample(runs.map((r) => perSecond(r.durable))),
    memoryVsRaw: await sample(runs.map((r) => r.raw / r.memory)),
    durableVsRaw: await sample(runs.map((r) => r.raw / r.durable)),
  };
}

async function section(target: Target, ratios: Ratio[]): Promise<string> {
  const lat = await latency(target);
  const put = await throughput(target);
  const tag = target.label.startsWith('PGlite') ? 'PGlite' : 'PostgreSQL';
  const memoryRatio = lat.ratio['memory, backup held'] as Sample;
  const durableRatio = lat.ratio['durable, drainer idle'] as Sample;
  ratios.push(
    {
      label: `${tag}: insert…returning latency, memory mode vs raw`,
      value: memoryRatio.median,
      goal: 1.1,
      better: 'lower',
    },
    {
      label: `${tag}: insert…returning latency, durable mode vs raw`,
      value: durableRatio.median,
      goal: 1.6,
      better: 'lower',
    },
    {
      label: `${tag}: backup apply, memory queue vs raw upsert`,
      value: put.memoryVsRaw.median,
      goal: 0.8,
      better: 'higher',
    },
    {
      label: `${tag}: backup apply, outbox drainer vs raw upsert`,
      value: put.durableVsRaw.median,
      goal: 0.8,
      better: 'higher',
    },
  );
  const r = (s: Sample) => fmt(s, '×', 2);
  const rate = (s: Sample) => fmt(s, 'rows/s', 0);
  const goals: Record<string, string> = {
    'memory, backup held': ' (goal ≤ 1.10×)',
    'durable, drainer idle': ' (goal ≤ 1.6×)',
  };
  const latencyRows = Object.keys(lat.per).map((name) =>
    name === 'raw'
      ? `| raw Drizzle | ${fmt(lat.per.raw as Sample, 'µs', 1)} | 1× |`
      : `| withBackup, ${name} | ${fmt(lat.per[name] as Sample, 'µs', 1)} | ${r(lat.ratio[name] as Sample)}${goals[name] ?? ''} |`,
  );
  return [
    `### ${target.label}`,
    '',
    `Primary path: ${OPS_PER_RUN} single-row \`insert … returning()\` per block, ${LATENCY_RUNS} runs (+1 warm-up), block order rotating.`,
    '"backup held" / "drainer idle": nothing is applied during the block, so the figure is what the wrapper itself',
    'adds to the caller\'s await (durable: the outbox write in the same statement). "alongside": the applier runs',
    "during the block on this same 2-core machine, so the backup server's own work competes with the primary's.",
    '',
    '| path | per insert | vs raw (paired per run) |',
    '| --- | --- | --- |',
    ...latencyRows,
    '',
    `Backup apply: ${APPLY_ROWS} rows captured one statement each, ${APPLY_RUNS} runs (+1 warm-up), ${BATCH} rows per backup transaction.`,
    '',
    '| applier | throughput | vs raw batched upsert (paired) |',
    '| --- | --- | --- |',
    `| raw batched upsert (Drizzle, ${BATCH} rows/statement) | ${rate(put.raw)} | 1× |`,
    `| memory queue (coalesce, plan, upsert) | ${rate(put.memory)} | ${r(put.memoryVsRaw)} (goal ≥ 0.8×) |`,
    `| outbox drainer (read outbox, jsonb upsert, delete) | ${rate(put.durable)} | ${r(put.durableVsRaw)} (goal ≥ 0.8×) |`,
    '',
  ].join('\n');
}

async function prepare(primary: DbHandle, backup: DbHandle) {
  for (const handle of [primary, backup]) {
    await handle.exec(DDL);
    await ensureOutbox(handle.db, { backup: handle.db });
  }
}

async function pgliteTarget(): Promise<{ target: Target; close(): Promise<void> }> {
  const primaryPg = await PGlite.create();
  const backupPg = await PGlite.create();
  const primary = fromPglite(primaryPg, { name: 'primary' });
  const backup = fromPglite(backupPg, { name: 'backup' });
  await prepare(primary, backup);
  const block = async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    const done = backupPg.transaction(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          started();
        }),
    );
    await ready;
    return async () => {
      release();
      await done;
    };
  };
  const target = { label: 'PGlite (primary and backup in memory, same process)', primary, backup, block };
  return { target, close: async () => void (await Promise.all([primary.close(), backup.close()])) };
}

async function postgresTarget(): Promise<{ target: Target; close(): Promise<void> } | undefined> {
  if (!pgBinariesAvailable()) return undefined;
  const cluster = await startPgCluster({ replicas: 0, backup: true });
  const backupUrl = cluster.backup?.url as string;
  const primary = await connect(cluster.primary.url, { max: 4 });
  const backup = await connect(backupUrl, { max: 4 });
  await prepare(primary, backup);
  // Held by a separate session: the applier's transaction waits on the table lock.
  const block = async () => {
    const holder = postgres(backupUrl, { max: 1, onnotice: () => {} });
    let release: () => void = () => {};
    let locked: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const done = holder.begin(async (tx) => {
      await tx`lock table bench_items in access exclusive mode`;
      locked();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await ready;
    return async () => {
      release();
      await done;
      await holder.end();
    };
  };
  const target = {
    label: 'PostgreSQL 15 (local primary and backup servers, postgres.js)',
    primary,
    backup,
    block,
  };
  return {
    target,
    close: async () => {
      await Promise.all([primary.close(), backup.close()]);
      await cluster.stop();
    },
  };
}

const ratios: Ratio[] = [];
const sections: string[] = [];
for (const open of [pgliteTarget, postgresTarget]) {
  const opened = await open();
  if (opened === undefined) continue;
  try {
    sections.push(await section(opened.target, ratios));
  } finally {
    await opened.close();
  }
}
const markdown = [
  '## Dual-write',
  '',
  `Measured on ${machine()}; drizzle-orm 0.45, PGlite 0.5, postgres.js 3.4.`,
  'Median with the p10–p90 spread over runs. Everything (both servers, the writes, the appliers) shares one',
  '2-core machine, possibly loaded by other work: read the ratios, paired per run, rather than absolute times.',
  '',
  ...sections,
].join('\n');
writeResults('dual-write', `${markdown}\n`, ratios);
