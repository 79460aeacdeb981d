/**
 * Sync and drift on real PostgreSQL with 1M rows (and 10M with `--10m` or MULTIDB_BENCH_SYNC_10M=1, one run by default:
 * `--runs-10m N`): `syncBackup` (COPY path) against `pg_dump --data-only | psql` into an empty copy; a clean drift
 * check and locating 10 changed rows against one md5 scan of the table; peak RSS of each; at 1M also a table
 * without a key (whole-table copy: TRUNCATE + COPY FREEZE) against pg_dump of the same rows. Sync and drift run in
 * child processes so each has its own RSS. `npx tsx bench/sync.ts` — writes bench/results/sync.md.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { connect } from '@multidb/config';
import { checkDrift, DEFAULT_COPY_CHUNK_ROWS, DEFAULT_LANES, syncBackup } from '@multidb/sync';
import { pgBinDir, startPgCluster } from '@multidb/testing';
import { ITEMS_DDL, ITEMS_TABLE, itemsFill } from './lib/bench-items.js';
import { fmt, machine, measure, type Ratio, type Sample, verdict, writeResults } from './lib/bench-kit.js';

const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
/** `--rows N --runs N` for a quicker look; the recorded figures use the defaults. */
const ROWS = flag('rows', 1_000_000);
const RUNS = flag('runs', 3);
const LARGE = process.argv.includes('--10m') || process.env.MULTIDB_BENCH_SYNC_10M === '1';
const LARGE_ROWS = 10_000_000;
const LARGE_RUNS = flag('runs-10m', 1);
const TABLE = ITEMS_TABLE;
const KEYLESS = 'bench.log';
// The same columns without a key: copied whole (TRUNCATE + COPY FREEZE).
const DDL = `${ITEMS_DDL}
  CREATE TABLE bench.log (id bigint, account int NOT NULL, amount numeric(12, 2), label text, created timestamptz NOT NULL);`;
const fill = (rows: number) => `TRUNCATE bench.items, bench.log; ${itemsFill(rows)}`;
const FILL_KEYLESS = 'INSERT INTO bench.log SELECT * FROM bench.items; ANALYZE bench.log;';
const COUNT = 'SELECT count(*) FROM bench.items';
const SCAN = `SELECT count(*), sum(('x' || substr(md5(ROW(id, account, amount, label, created)::text), 18))::bit(60)::bigint)
  FROM bench.items`;

function summarize(values: readonly number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), runs: sorted.length };
}

interface ChildResult {
  readonly ms: number;
  readonly maxRssMb: number;
  readonly detail: number;
}

/** Child mode: one sync or drift run, timed inside the process, with its own peak RSS. */
async function child(mode: string, source: string, target: string, table = TABLE): Promise<void> {
  const started = performance.now();
  let detail = 0;
  if (mode === 'baseline') {
    // The same process with the same modules and a connection to each side, doing no work: what RSS is
    // measured against.
    for (const url of [source, target]) {
      const handle = await connect(url, { max: 1 });
      await handle.db.execute('SELECT 1');
      await handle.close();
    }
  } else if (mode === 'sync') {
    const report = (await syncBackup({ source, target, tables: [table] }))._unsafeUnwrap();
    if (!report.ok) throw new Error(JSON.stringify(report.tables));
    detail = report.rowsRead;
  } else {
    const report = (await checkDrift({ source, target, tables: [TABLE], recheckDelayMs: 0 }))._unsafeUnwrap();
    detail = report.tables[0]?.changed ?? -1;
  }
  const ms = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, detail })}\n`,
  );
}

function run(
  command: string,
  args: readonly string[],
  shell = false,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { shell, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      errText += c.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${errText}`)),
    );
  });
}

/** One child run; `driver` picks the driver the URLs are opened with (`MULTIDB_DRIVER`), postgres.js by default. */
async function runChild(
  mode: string,
  source: string,
  target: string,
  table = TABLE,
  driver: 'postgres' | 'pg' = 'postgres',
): Promise<ChildResult> {
  const env = { ...process.env, MULTIDB_DRIVER: driver };
  const out = await run('npx', ['tsx', 'bench/sync.ts', '--child', mode, source, target, table], false, env);
  return JSON.parse(out.trim().split('\n').at(-1) as string) as ChildResult;
}

interface Bench {
  readonly primaryUrl: string;
  readonly backupUrl: string;
  readonly primary: Awaited<ReturnType<typeof connect>>;
  readonly backup: Awaited<ReturnType<typeof connect>>;
  readonly baseline: number;
}

interface SizeResult {
  readonly markdown: string;
  readonly ratios: Ratio[];
  /** Median sync and drift (clean) time per row, for the growth from 1M to 10M. */
  readonly syncMsPerRow: number;
  readonly driftMsPerRow: number;
  readonly syncPeakAboveBaseline: number;
}

const bin = (name: string) => join(pgBinDir(), name);

/** pg_dump | psql of one table into the emptied backup, then `syncBackup` of it into the emptied backup. */
async function syncAgainstDump(b: Bench, table: string, rows: number, runs: number) {
  const empty = () =>
    b.backup.exec(`TRUNCATE ${table}; DROP SCHEMA IF EXISTS multidb_sync CASCADE; CHECKPOINT;`);
  const dumpMs: number[] = [];
  const syncMs: number[] = [];
  const syncRss: number[] = [];
  const ratio = await measure(
    async () => {
      await empty();
      const started = performance.now();
      await run(
        `${bin('pg_dump')} --data-only -t ${table} '${b.primaryUrl}' | ${bin('psql')} -q -v ON_ERROR_STOP=1 '${b.backupUrl}'`,
        [],
        true,
      );
      dumpMs.push(performance.now() - started);
      await empty();
      const result = await runChild('sync', b.primaryUrl, b.backupUrl, table);
      if (result.detail !== rows) throw new Error(`sync copied ${result.detail} rows of ${table}`);
      syncMs.push(result.ms);
      syncRss.push(result.maxRssMb);
      return (dumpMs.at(-1) as number) / result.ms;
    },
    runs,
    0,
  );
  return { ratio, dump: summarize(dumpMs), sync: summarize(syncMs), syncRss };
}

/**
 * `syncBackup` of the keyed table over node-postgres (`MULTIDB_DRIVER=pg`: pg.Pool, COPY through pg-copy-streams)
 * against the same sync over postgres.js, run by run (each pair on the same emptied backup, order alternated).
 */
async function syncPgAgainstPostgresJs(b: Bench, rows: number, runs: number) {
  const empty = () =>
    b.backup.exec(`TRUNCATE ${TABLE}; DROP SCHEMA IF EXISTS multidb_sync CASCADE; CHECKPOINT;`);
  const ms: Record<'postgres' | 'pg', number[]> = { postgres: [], pg: [] };
  const rss: number[] = [];
  let round = 0;
  const once = async (driver: 'postgres' | 'pg') => {
    await empty();
    const result = await runChild('sync', b.primaryUrl, b.backupUrl, TABLE, driver);
    if (result.detail !== rows) throw new Error(`sync over ${driver} copied ${result.detail} rows`);
    ms[driver].push(result.ms);
    if (driver === 'pg') rss.push(result.maxRssMb);
  };
  const ratio = await measure(
    async () => {
      const order = round++ % 2 === 0 ? (['postgres', 'pg'] as const) : (['pg', 'postgres'] as const);
      for (const driver of order) await once(driver);
      return (ms.postgres.at(-1) as number) / (ms.pg.at(-1) as number);
    },
    runs,
    0,
  );
  return { ratio, postgres: summarize(ms.postgres), pg: summarize(ms.pg), rss };
}

async function measureSize(b: Bench, rows: number, runs: number, keyless: boolean): Promise<SizeResult> {
  const { primary, backup, primaryUrl, backupUrl, baseline } = b;
  const loadStart = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  await Promise.all([primary.exec(fill(rows)), backup.exec('TRUNCATE bench.items, bench.log')]);
  const keyed = await syncAgainstDump(b, TABLE, rows, runs);
  const { dump, sync, syncRss } = keyed;
  const scanMs: number[] = [];
  // What the seeds compare: row counts, both sides at once (the cheapest check, and blind to changed rows).
  const countMs: number[] = [];
  const cleanVsCount: number[] = [];
  const driftMs: { clean: number[]; locate: number[] } = { clean: [], locate: [] };
  const driftRss: number[] = [];
  const driftRatio = (kind: 'clean' | 'locate', expected: number) => async () => {
    let started = performance.now();
    await primary.exec(SCAN);
    scanMs.push(performance.now() - started);
    started = performance.now();
    const result = await runChild('drift', primaryUrl, backupUrl);
    if (result.detail !== expected)
      throw new Error(`drift found ${result.detail} changed rows, expected ${expected}`);
    driftMs[kind].push(result.ms);
    driftRss.push(result.maxRssMb);
    if (kind === 'clean') {
      started = performance.now();
      await Promise.all([primary.exec(COUNT), backup.exec(COUNT)]);
      countMs.push(performance.now() - started);
      cleanVsCount.push(result.ms / (countMs.at(-1) as number));
    }
    return result.ms / (scanMs.at(-1) as number);
  };
  const clean = await measure(driftRatio('clean', 0), runs, 0);
  const ids = Array.from({ length: 10 }, (_, i) => 1 + Math.floor(((i + 0.5) * rows) / 10));
  await backup.exec(`UPDATE bench.items SET label = 'changed' WHERE id IN (${ids.join(', ')})`);
  const locate = await measure(driftRatio('locate', 10), runs, 0);
  let whole: Awaited<ReturnType<typeof syncAgainstDump>> | undefined;
  let byDriver: Awaited<ReturnType<typeof syncPgAgainstPostgresJs>> | undefined;
  if (keyless) {
    byDriver = await syncPgAgainstPostgresJs(b, rows, runs);
    await primary.exec(FILL_KEYLESS);
    whole = await syncAgainstDump(b, KEYLESS, rows, runs);
  }
  const scan = summarize(scanMs);
  const size = rows >= 1_000_000 ? `${rows / 1_000_000}M` : rows.toLocaleString('en-US');
  const at = rows === ROWS ? '' : ` (${size})`;
  const rate = (ms: number) => Math.round((rows * 1000) / ms).toLocaleString('en-US');
  const ratios: Ratio[] = [
    {
      label: `sync rows/s ÷ pg_dump | psql rows/s${at}`,
      value: keyed.ratio.median,
      goal: 1,
      better: 'higher',
    },
    {
      label: `drift check (clean) ÷ one md5 scan${at}`,
      value: clean.median,
      goal: rows > ROWS ? 1 : 2.5,
      better: 'lower',
    },
    { label: `locate 10 changed rows ÷ one md5 scan${at}`, value: locate.median, goal: 3, better: 'lower' },
    {
      label: `sync:backup peak RSS above baseline ÷ 256 MiB budget${at}`,
      value: (Math.max(...syncRss) - baseline) / 256,
      goal: 1,
      better: 'lower',
    },
    {
      label: `drift peak RSS above baseline ÷ 256 MiB budget${at}`,
      value: (Math.max(...driftRss) - baseline) / 256,
      goal: 1,
      better: 'lower',
    },
    ...(byDriver
      ? [
          {
            label: 'syncBackup over node-postgres rows/s ÷ over postgres.js rows/s',
            value: byDriver.ratio.median,
            goal: 0.9,
            better: 'higher' as const,
          },
        ]
      : []),
    ...(whole
      ? [
          {
            label: 'sync of a table without a key (TRUNCATE + COPY FREEZE) rows/s ÷ pg_dump | psql rows/s',
            value: whole.ratio.median,
            goal: 1,
            better: 'higher' as const,
          },
        ]
      : []),
  ];
  const peak = (values: number[]) =>
    `${Math.round(Math.max(...values))} MiB (+${Math.round(Math.max(...values) - baseline)} MiB)`;
  const server = String(
    ((await primary.db.execute('SELECT version() AS v')) as unknown as { v: string }[])[0]?.v,
  );
  const keylessRows = whole
    ? `| \`pg_dump --data-only \\| psql\` of \`${KEYLESS}\` (the same rows, no key, no index) | ${fmt(whole.dump, 'ms', 0)} | ${rate(whole.dump.median)} | |
| \`syncBackup\` of \`${KEYLESS}\`: whole table, TRUNCATE + \`COPY … FREEZE\` in one transaction | ${fmt(whole.sync, 'ms', 0)} | ${rate(whole.sync.median)} | ${peak(whole.syncRss)} |
`
    : '';
  const driverRows = byDriver
    ? `| \`syncBackup\` over postgres.js (\`MULTIDB_DRIVER=postgres\`), paired with the next row | ${fmt(byDriver.postgres, 'ms', 0)} | ${rate(byDriver.postgres.median)} | |
| \`syncBackup\` over node-postgres (\`MULTIDB_DRIVER=pg\`: pg.Pool, COPY through pg-copy-streams) | ${fmt(byDriver.pg, 'ms', 0)} | ${rate(byDriver.pg.median)} | ${peak(byDriver.rss)} |
`
    : '';
  const markdown = `# Sync and drift (real PostgreSQL, ${rows.toLocaleString('en-US')} rows)

${machine()}; ${server.split(' on ')[0]}; primary and backup are two local clusters (same machine, TCP).
Table \`${TABLE}\` (bigint key, int, numeric, text, timestamptz), filled with generate_series. Median (p10–p90)
over ${runs} run(s); sync and drift run in child processes (time measured inside, startup excluded). Each ratio is
taken run by run against the baseline measured just before it (the machine is shared), then the median is shown.
Load average at the start: ${loadStart}; at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}.

Peak RSS is the child process's \`maxRSS\`; in brackets, above the baseline: the same child with the same modules
loaded and one connection to each side, doing nothing (${Math.round(baseline)} MiB, median of ${RUNS}). Budget:
256 MiB above the baseline, whatever the table size (sync streams COPY chunks, drift holds one range's checksums).

| measurement | time | rows/s | peak RSS (above baseline) |
| --- | --- | --- | --- |
| \`pg_dump --data-only \\| psql\` into an empty copy | ${fmt(dump, 'ms', 0)} | ${rate(dump.median)} | |
| \`syncBackup\` (COPY, ${DEFAULT_LANES} lanes × chunks of ${DEFAULT_COPY_CHUNK_ROWS.toLocaleString('en-US')}) into an empty copy | ${fmt(sync, 'ms', 0)} | ${rate(sync.median)} | ${peak(syncRss)} |
${driverRows}${keylessRows}| one md5 scan of the table (count + 60-bit md5 sum, primary only) | ${fmt(scan, 'ms', 0)} | | |
| \`count(*)\` on both sides at once (what the seeds compare) | ${fmt(summarize(countMs), 'ms', 0)} | | |
| \`checkDrift\` on equal tables (both sides, checksums per 10,000-row range) | ${fmt(summarize(driftMs.clean), 'ms', 0)} | | ${peak(driftRss.slice(0, runs))} |
| \`checkDrift\` locating 10 changed rows (recheck delay 0) | ${fmt(summarize(driftMs.locate), 'ms', 0)} | | ${peak(driftRss.slice(runs))} |

${ratios.map((r) => `- ${r.label}: ${verdict(r)}`).join('\n')}
- drift check (clean) ÷ \`count(*)\` on both sides: ${fmt(summarize(cleanVsCount), '×', 2)} (no goal: a count
  finds neither changed rows nor a deleted row replaced by an inserted one; the checksums do)
`;
  return {
    markdown,
    ratios,
    syncMsPerRow: sync.median / rows,
    driftMsPerRow: summarize(driftMs.clean).median / rows,
    syncPeakAboveBaseline: Math.max(...syncRss) - baseline,
  };
}

async function main(): Promise<void> {
  const cluster = await startPgCluster({ replicas: 0, backup: true });
  const backupUrl = (cluster.backup as { url: string }).url;
  const primary = await connect(cluster.primary.url, { max: 1 });
  const backup = await connect(backupUrl, { max: 1 });
  try {
    await Promise.all([primary.exec(DDL), backup.exec(DDL)]);
    const baselineRss: number[] = [];
    for (let i = 0; i < RUNS; i++)
      baselineRss.push((await runChild('baseline', cluster.primary.url, backupUrl)).maxRssMb);
    const b: Bench = {
      primaryUrl: cluster.primary.url,
      backupUrl,
      primary,
      backup,
      baseline: summarize(baselineRss).median,
    };
    const small = await measureSize(b, ROWS, RUNS, true);
    const sections = [small.markdown];
    const ratios = [...small.ratios];
    if (LARGE) {
      const large = await measureSize(b, LARGE_ROWS, LARGE_RUNS, false);
      const growth = (a: number, c: number) => (c / a).toFixed(2);
      sections.push(`${large.markdown}
Growth from ${ROWS.toLocaleString('en-US')} to ${LARGE_ROWS.toLocaleString('en-US')} rows, time per row (1.00 = linear):
sync ${growth(small.syncMsPerRow, large.syncMsPerRow)}, drift check ${growth(small.driftMsPerRow, large.driftMsPerRow)};
sync peak RSS above baseline ${Math.round(small.syncPeakAboveBaseline)} MiB → ${Math.round(large.syncPeakAboveBaseline)} MiB.
`);
      ratios.push(...large.ratios);
    } else {
      sections.push(
        `(${LARGE_ROWS.toLocaleString('en-US')} rows: opt in with \`MULTIDB_BENCH_SYNC_10M=1 pnpm bench sync\`.)\n`,
      );
    }
    writeResults('sync', sections.join('\n'), ratios);
  } finally {
    await Promise.allSettled([primary.close(), backup.close()]);
    await cluster.stop();
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child')
  await child(args[1] as string, args[2] as string, args[3] as string, args[4] as string | undefined);
else await main();
