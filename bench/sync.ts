/**
 * Sync and drift on real PostgreSQL with 1M rows: `syncBackup` (COPY path) against `pg_dump --data-only | psql`
 * into an empty copy; a clean drift check and locating 10 changed rows against one md5 scan of the table; peak
 * RSS of each. Sync and drift run in child processes so each has its own RSS. `npx tsx bench/sync.ts` — writes
 * bench/results/sync.md.
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
const TABLE = ITEMS_TABLE;
const DDL = ITEMS_DDL;
const FILL = itemsFill(ROWS);
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
async function child(mode: string, source: string, target: string): Promise<void> {
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
    const report = (await syncBackup({ source, target, tables: [TABLE] }))._unsafeUnwrap();
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

function run(command: string, args: readonly string[], shell = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { shell, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function runChild(mode: string, source: string, target: string): Promise<ChildResult> {
  const out = await run('npx', ['tsx', 'bench/sync.ts', '--child', mode, source, target]);
  return JSON.parse(out.trim().split('\n').at(-1) as string) as ChildResult;
}

async function main(): Promise<void> {
  const loadStart = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const cluster = await startPgCluster({ replicas: 0, backup: true });
  const backupUrl = (cluster.backup as { url: string }).url;
  const primary = await connect(cluster.primary.url, { max: 1 });
  const backup = await connect(backupUrl, { max: 1 });
  try {
    await Promise.all([primary.exec(DDL), backup.exec(DDL)]);
    await primary.exec(FILL);
    const empty = () =>
      backup.exec('TRUNCATE bench.items; DROP SCHEMA IF EXISTS multidb_sync CASCADE; CHECKPOINT;');
    const bin = (name: string) => join(pgBinDir(), name);

    const dumpMs: number[] = [];
    const syncMs: number[] = [];
    const syncRss: number[] = [];
    const syncRatio = await measure(
      async () => {
        await empty();
        const started = performance.now();
        await run(
          `${bin('pg_dump')} --data-only -t ${TABLE} '${cluster.primary.url}' | ${bin('psql')} -q -v ON_ERROR_STOP=1 '${backupUrl}'`,
          [],
          true,
        );
        dumpMs.push(performance.now() - started);
        await empty();
        const result = await runChild('sync', cluster.primary.url, backupUrl);
        if (result.detail !== ROWS) throw new Error(`sync copied ${result.detail} rows`);
        syncMs.push(result.ms);
        syncRss.push(result.maxRssMb);
        return (dumpMs.at(-1) as number) / result.ms;
      },
      RUNS,
      0,
    );
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
      const result = await runChild('drift', cluster.primary.url, backupUrl);
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
    const clean = await measure(driftRatio('clean', 0), RUNS, 0);
    const ids = Array.from({ length: 10 }, (_, i) => 1 + Math.floor(((i + 0.5) * ROWS) / 10));
    await backup.exec(`UPDATE bench.items SET label = 'changed' WHERE id IN (${ids.join(', ')})`);
    const locate = await measure(driftRatio('locate', 10), RUNS, 0);
    const baselineRss: number[] = [];
    for (let i = 0; i < RUNS; i++)
      baselineRss.push((await runChild('baseline', cluster.primary.url, backupUrl)).maxRssMb);
    const baseline = summarize(baselineRss).median;
    const dump = summarize(dumpMs);
    const sync = summarize(syncMs);
    const scan = summarize(scanMs);

    const rate = (ms: number) => Math.round((ROWS * 1000) / ms);
    const ratios: Ratio[] = [
      { label: 'sync rows/s ÷ pg_dump | psql rows/s', value: syncRatio.median, goal: 1, better: 'higher' },
      { label: 'drift check (clean) ÷ one md5 scan', value: clean.median, goal: 2.5, better: 'lower' },
      { label: 'locate 10 changed rows ÷ one md5 scan', value: locate.median, goal: 3, better: 'lower' },
      {
        label: 'sync:backup peak RSS above baseline ÷ 256 MiB budget',
        value: (Math.max(...syncRss) - baseline) / 256,
        goal: 1,
        better: 'lower',
      },
      {
        label: 'drift peak RSS above baseline ÷ 256 MiB budget',
        value: (Math.max(...driftRss) - baseline) / 256,
        goal: 1,
        better: 'lower',
      },
    ];
    const peak = (values: number[]) =>
      `${Math.round(Math.max(...values))} MiB (+${Math.round(Math.max(...values) - baseline)} MiB)`;
    const server = String(
      ((await primary.db.execute('SELECT version() AS v')) as unknown as { v: string }[])[0]?.v,
    );
    const markdown = `# Sync and drift (real PostgreSQL, ${ROWS.toLocaleString('en-US')} rows)

${machine()}; ${server.split(' on ')[0]}; primary and backup are two local clusters (same machine, TCP).
Table \`${TABLE}\` (bigint key, int, numeric, text, timestamptz), filled with generate_series. Median (p10–p90)
over ${RUNS} runs; sync and drift run in child processes (time measured inside, startup excluded). Each ratio is
taken run by run against the baseline measured just before it (the machine is shared), then the median is shown.
Load average at the start: ${loadStart}; at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}.

Peak RSS is the child process's \`maxRSS\`; in brackets, above the baseline: the same child with the same modules
loaded and one connection to each side, doing nothing (${Math.round(baseline)} MiB, median of ${RUNS}). Budget:
256 MiB above the baseline, whatever the table size (sync streams COPY chunks, drift holds one range's checksums).

| measurement | time | rows/s | peak RSS (above baseline) |
| --- | --- | --- | --- |
| \`pg_dump --data-only \\| psql\` into an empty copy | ${fmt(dump, 'ms', 0)} | ${rate(dump.median).toLocaleString('en-US')} | |
| \`syncBackup\` (COPY, ${DEFAULT_LANES} lanes × chunks of ${DEFAULT_COPY_CHUNK_ROWS.toLocaleString('en-US')}) into an empty copy | ${fmt(sync, 'ms', 0)} | ${rate(sync.median).toLocaleString('en-US')} | ${peak(syncRss)} |
| one md5 scan of the table (count + 60-bit md5 sum, primary only) | ${fmt(scan, 'ms', 0)} | | |
| \`count(*)\` on both sides at once (what the seeds compare) | ${fmt(summarize(countMs), 'ms', 0)} | | |
| \`checkDrift\` on equal tables (both sides, checksums per 10,000-row range) | ${fmt(summarize(driftMs.clean), 'ms', 0)} | | ${peak(driftRss.slice(0, RUNS))} |
| \`checkDrift\` locating 10 changed rows (recheck delay 0) | ${fmt(summarize(driftMs.locate), 'ms', 0)} | | ${peak(driftRss.slice(RUNS))} |

${ratios.map((r) => `- ${r.label}: ${verdict(r)}`).join('\n')}
- drift check (clean) ÷ \`count(*)\` on both sides: ${fmt(summarize(cleanVsCount), '×', 2)} (no goal: a count
  finds neither changed rows nor a deleted row replaced by an inserted one; the checksums do)
`;
    writeResults('sync', markdown, ratios);
  } finally {
    await Promise.allSettled([primary.close(), backup.close()]);
    await cluster.stop();
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1] as string, args[2] as string, args[3] as string);
else await main();
