/**
 * Logical replication as the backup's engine, on real PostgreSQL (wal_level = logical). (1) Primary-path latency
 * of a single-row insert with the subscription enabled vs disabled (paired per run: the walsender decodes while
 * enabled), and of the same insert through dual-write memory mode. (2) Backup lag under a sustained write load:
 * the walsender's `replay_lag` for replication, `oldestPendingAgeMs` for dual-write, sampled every 50 ms, and the
 * time from the end of the load until the backup has every row.
 * `npx tsx bench/replication.ts` — writes bench/results/replication.md.
 */
import { connect, executeRows } from '@multidb/config';
import { createDualWriter } from '@multidb/dual-write';
import { setupReplication, teardownReplication } from '@multidb/replicate';
import { pgBinariesAvailable, startPgCluster } from '@multidb/testing';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { fmt, machine, type Ratio, type Sample, writeResults } from './lib/bench-kit.js';

const published = pgTable('bench_replicated', {
  id: integer('id').primaryKey(),
  body: text('body').notNull(),
});
const plain = pgTable('bench_dual_written', { id: integer('id').primaryKey(), body: text('body').notNull() });
const DDL = [
  'create table bench_replicated (id int primary key, body text not null)',
  'create table bench_dual_written (id int primary key, body text not null)',
];
const OPS = 200;
const RUNS = 9;
const LOAD_MS = 3000;
const WORKERS = 4;

if (!pgBinariesAvailable()) {
  writeResults('replication', '## Logical replication\n\nSkipped: no PostgreSQL server binaries.\n', []);
  process.exit(0);
}
const cluster = await startPgCluster({ replicas: 0, backup: true, settings: { wal_level: 'logical' } });
const backupNode = cluster.backup;
if (backupNode === undefined) throw new Error('no backup');
for (const ddl of DDL) {
  await cluster.primary.sql(ddl);
  await backupNode.sql(ddl);
}
const primary = await connect(cluster.primary.url, { max: WORKERS });
const backup = await connect(backupNode.url, { max: 4 });
const options = { primary: cluster.primary.url, backup: backupNode.url, tables: ['public.bench_replicated'] };
const setup = await setupReplication(options);
if (setup.isErr()) throw new Error(setup.error.message);
const writer = createDualWriter({ backup: backup.db, primary: primary.db, schema: { plain } });
const wrapped = writer.wrap(primary.db);
let nextId = 1;

async function subscription(enabled: boolean): Promise<void> {
  await backupNode?.sql(`alter subscription multidb_backup ${enabled ? 'enable' : 'disable'}`);
  for (;;) {
    const [slot] = await cluster.primary.sql(
      `select active from pg_replication_slots where slot_name = 'multidb_backup'`,
    );
    if (slot?.active === enabled) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!enabled) return;
  // Re-enabled, the walsender first decodes the WAL written while it was off: measure only once it is through.
  const [now] = await cluster.primary.sql('select pg_current_wal_lsn()::text as lsn');
  for (;;) {
    const [slot] = await cluster.primary.sql(
      `select confirmed_flush_lsn >= '${String(now?.lsn)}'::pg_lsn as done from pg_replication_slots where slot_name = 'multidb_backup'`,
    );
    if (slot?.done === true) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** ms per insert over OPS sequential single-row inserts. */
async function insertBlock(insert: (id: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < OPS; i++) await insert(nextId++);
  return (performance.now() - start) / OPS;
}
const raw = (table: typeof published | typeof plain) => (id: number) =>
  primary.db.insert(table).values({ id, body: `row ${id}` });

const onOff: number[] = [];
const dwRatio: number[] = [];
const samples = { on: [] as number[], off: [] as number[], dual: [] as number[] };
for (let run = 0; run < RUNS + 1; run++) {
  await subscription(true);
  const on = await insertBlock(raw(published));
  await subscription(false);
  const off = await insertBlock(raw(published));
  const dual = await insertBlock((id) => wrapped.insert(plain).values({ id, body: `row ${id}` }));
  await writer.flush(30_000);
  if (run === 0) continue; // warm-up
  samples.on.push(on);
  samples.off.push(off);
  samples.dual.push(dual);
  onOff.push(on / off);
  dwRatio.push(dual / off);
}
await subscription(true);
const stat = (values: number[]): Sample => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), runs: sorted.length };
};

/** A sustained load of WORKERS writers for LOAD_MS; lag sampled every 50 ms; then ms until the backup has all. */
async function sustained(
  insert: (id: number) => Promise<unknown>,
  lagMs: () => Promise<number>,
  caughtUp: () => Promise<boolean>,
): Promise<{ writes: number; lag: Sample; maxLagMs: number; catchUpMs: number }> {
  let stop = false;
  let writes = 0;
  const lags: number[] = [];
  const sampler = (async () => {
    while (!stop) {
      lags.push(await lagMs());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const workers = Array.from({ length: WORKERS }, async () => {
    while (!stop) {
      await insert(nextId++);
      writes++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
  stop = true;
  await Promise.all([...workers, sampler]);
  const ended = performance.now();
  while (!(await caughtUp())) await new Promise((resolve) => setTimeout(resolve, 10));
  return { writes, lag: stat(lags), maxLagMs: Math.max(...lags), catchUpMs: performance.now() - ended };
}

const count = async (db: typeof primary.db, table: string) =>
  Number((await executeRows<{ n: number }>(db, `select count(*)::int as n from ${table}`))[0]?.n);
const replicationLoad = await sustained(
  raw(published),
  async () => {
    const [row] = await cluster.primary.sql(
      `select coalesce(extract(epoch from replay_lag) * 1000, 0)::float8 as ms from pg_stat_replication where application_name = 'multidb_backup'`,
    );
    return Number(row?.ms ?? 0);
  },
  async () => (await count(backup.db, 'bench_replicated')) === (await count(primary.db, 'bench_replicated')),
);
const dualLoad = await sustained(
  (id) => wrapped.insert(plain).values({ id, body: `row ${id}` }),
  async () => writer.metrics().oldestPendingAgeMs,
  async () => writer.metrics().depth === 0,
);

await writer.drain(10_000);
await teardownReplication(options);
await Promise.all([primary.close(), backup.close()]);
await cluster.stop();

const ratios: Ratio[] = [
  {
    label: 'PostgreSQL: insert latency with logical replication on vs off',
    value: stat(onOff).median,
    goal: 1.1,
    better: 'lower',
  },
];
const loadRow = (label: string, r: typeof replicationLoad) =>
  `| ${label} | ${r.writes.toLocaleString('en-US')} (${Math.round(r.writes / (LOAD_MS / 1000)).toLocaleString('en-US')}/s) | ${r.lag.median.toFixed(1)} ms (p90 ${r.lag.p90.toFixed(1)}) | ${r.maxLagMs.toFixed(1)} ms | ${r.catchUpMs.toFixed(0)} ms |`;
const markdown = [
  '## Logical replication (backup engine)',
  '',
  `Measured on ${machine()}; PostgreSQL 15 primary and backup on this machine, postgres.js 3.4, wal_level = logical.`,
  '',
  `Primary path: ${OPS} sequential single-row inserts per run, ${RUNS} runs after a warm-up, paired per run (subscription enabled and caught up, then disabled, then dual-write memory mode into an unpublished table).`,
  '',
  '| write path | ms per insert | ratio to replication off (median of per-run ratios) |',
  '| --- | --- | --- |',
  `| raw insert, subscription disabled | ${fmt(stat(samples.off))} | 1.00× |`,
  `| raw insert, logical replication on | ${fmt(stat(samples.on))} | ${stat(onOff).median.toFixed(2)}× |`,
  `| dual-write memory mode (insert … returning, queue applying in-process) | ${fmt(stat(samples.dual))} | ${stat(dwRatio).median.toFixed(2)}× |`,
  '',
  `Backup lag under a sustained load (${WORKERS} concurrent writers for ${LOAD_MS / 1000} s, sampled every 50 ms): replication's walsender \`replay_lag\`, dual-write's \`oldestPendingAgeMs\`; catch-up is from the end of the load until the backup holds every row.`,
  '',
  '| engine | writes | lag median | lag max | catch-up after the load |',
  '| --- | --- | --- | --- | --- |',
  loadRow('logical replication', replicationLoad),
  loadRow('dual-write memory mode', dualLoad),
  '',
].join('\n');
writeResults('replication', markdown, ratios);
