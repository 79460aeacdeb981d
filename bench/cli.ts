/**
 * What a user of the published packages pays, measured on the packed tarballs installed with npm outside the
 * workspace (as `pnpm test:consumer` does): the install size of router + dual-write + postgres.js; `multidb --help`
 * as a whole process (wall time and peak RSS, against a bare `node -e 0`); and a whole-process `multidb sync` of
 * 1M rows between two real PostgreSQL 15 servers against `pg_dump --data-only | psql`, start-up included.
 * `npx tsx bench/cli.ts [--rows N --runs N]` — writes bench/results/cli.md.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connect, executeRows } from '@multidb/config';
import { pgBinDir, startPgCluster } from '@multidb/testing';
import { ITEMS_DDL, ITEMS_TABLE, itemsFill } from './lib/bench-items.js';
import { fmt, machine, measure, type Ratio, type Sample, verdict, writeResults } from './lib/bench-kit.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const flag = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const ROWS = flag('rows', 1_000_000);
const RUNS = flag('runs', 3);
const HELP_RUNS = 10;

async function sh(
  cmd: string,
  args: readonly string[],
  cwd: string,
): Promise<{ stdout: string; stderr: string }> {
  return exec(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
}
const npmInstall = (dir: string, specs: readonly string[]) =>
  sh('npm', ['i', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir);
const duMb = async (path: string) =>
  Number((await sh('du', ['-sb', path], ROOT)).stdout.split('\t')[0]) / 1e6;

/** Wall time (ms) and peak RSS (MiB) of one whole process, as GNU time reports them. */
async function timed(
  cmd: string,
  args: readonly string[],
  cwd: string,
): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now();
  const { stderr } = await sh('/usr/bin/time', ['-f', 'maxrss %M', cmd, ...args], cwd);
  const ms = performance.now() - started;
  const kb = Number(/maxrss (\d+)/.exec(stderr)?.[1]);
  return { ms, rssMb: kb / 1024 };
}

function summarize(values: readonly number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), runs: sorted.length };
}

async function app(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'bench-app', private: true, type: 'module' })}\n`,
  );
  return dir;
}

const scratch = await mkdtemp(join(tmpdir(), 'multidb-bench-cli-'));
try {
  await sh('pnpm', ['build'], ROOT);
  const packs = join(scratch, 'packs');
  for (const name of ['config', 'router', 'dual-write', 'split-schema', 'sync', 'cli'])
    await sh('pnpm', ['pack', '--pack-destination', packs], join(ROOT, 'packages', name));
  const tarball = async (name: string) =>
    join(packs, (await readdir(packs)).find((f) => f.startsWith(`multidb-${name}-`)) as string);

  // 1. Install size: an app that routes reads and dual-writes, on postgres.js.
  const lib = await app(join(scratch, 'lib-app'));
  await npmInstall(lib, [
    await tarball('config'),
    await tarball('router'),
    await tarball('dual-write'),
    'drizzle-orm@0.45',
    'postgres',
  ]);
  const modules = join(lib, 'node_modules');
  const entries = (await readdir(modules)).filter((e) => !e.startsWith('.'));
  const postgresVersion = (
    JSON.parse(await readFile(join(modules, 'postgres', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const size = {
    total: await duMb(modules),
    multidb: await duMb(join(modules, '@multidb')),
    drizzle: await duMb(join(modules, 'drizzle-orm')),
    postgres: await duMb(join(modules, 'postgres')),
    packages: entries.length,
    pglite: entries.includes('@electric-sql'),
  };

  // 2. `multidb --help`, whole process.
  const cli = await app(join(scratch, 'cli-app'));
  await npmInstall(cli, [
    ...(await Promise.all(['config', 'router', 'split-schema', 'sync', 'cli'].map(tarball))),
    'drizzle-orm@0.45',
    'postgres',
  ]);
  const bin = join(cli, 'node_modules', '.bin', 'multidb');
  const help: { ms: number; rssMb: number }[] = [];
  const bare: { ms: number; rssMb: number }[] = [];
  await timed(bin, ['--help'], cli);
  for (let i = 0; i < HELP_RUNS; i++) {
    bare.push(await timed(process.execPath, ['-e', '0'], cli));
    help.push(await timed(bin, ['--help'], cli));
  }
  const helpMs = summarize(help.map((h) => h.ms));
  const helpRss = summarize(help.map((h) => h.rssMb));
  const bareMs = summarize(bare.map((h) => h.ms));
  const bareRss = summarize(bare.map((h) => h.rssMb));

  // 3. Whole-process `multidb sync` against pg_dump | psql.
  const loadStart = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const cluster = await startPgCluster({ replicas: 0, backup: true });
  const backupUrl = (cluster.backup as { url: string }).url;
  const primary = await connect(cluster.primary.url, { max: 1 });
  const backup = await connect(backupUrl, { max: 1 });
  const dumpMs: number[] = [];
  const syncMs: number[] = [];
  const syncRss: number[] = [];
  let ratio: Sample;
  try {
    await Promise.all([primary.exec(ITEMS_DDL), backup.exec(ITEMS_DDL)]);
    await primary.exec(itemsFill(ROWS));
    const empty = () =>
      backup.exec('TRUNCATE bench.items; DROP SCHEMA IF EXISTS multidb_sync CASCADE; CHECKPOINT;');
    const pg = (name: string) => join(pgBinDir(), name);
    const dump = `${pg('pg_dump')} --data-only -t ${ITEMS_TABLE} '${cluster.primary.url}' | ${pg('psql')} -q -v ON_ERROR_STOP=1 '${backupUrl}'`;
    ratio = await measure(
      async () => {
        await empty();
        const started = performance.now();
        await sh('sh', ['-c', dump], ROOT);
        dumpMs.push(performance.now() - started);
        await empty();
        const args = [
          'sync',
          '--source',
          cluster.primary.url,
          '--target',
          backupUrl,
          '--tables',
          ITEMS_TABLE,
          '--json',
        ];
        const run = await timed(bin, args, cli);
        const [row] = await executeRows<{ n: number }>(
          backup.db,
          'SELECT count(*)::int AS n FROM bench.items',
        );
        const n = row?.n;
        if (n !== ROWS) throw new Error(`multidb sync left ${n} rows, ${ROWS} expected`);
        syncMs.push(run.ms);
        syncRss.push(run.rssMb);
        return (dumpMs.at(-1) as number) / run.ms;
      },
      RUNS,
      0,
    );
  } finally {
    await Promise.allSettled([primary.close(), backup.close()]);
    await cluster.stop();
  }
  const loadEnd = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const dump = summarize(dumpMs);
  const sync = summarize(syncMs);
  const ratios: Ratio[] = [
    {
      label: '`multidb --help` whole-process wall time ÷ 200 ms budget',
      value: helpMs.median / 200,
      goal: 1,
      better: 'lower',
    },
    {
      label: 'whole-process `multidb sync` rows/s ÷ `pg_dump | psql` rows/s',
      value: ratio.median,
      goal: 1,
      better: 'higher',
    },
  ];
  writeResults(
    'cli',
    `# Installed packages and the \`multidb\` CLI (whole processes)

${machine()}; packed tarballs installed with npm ${(await sh('npm', ['--version'], ROOT)).stdout.trim()} into scratch apps
outside the workspace; postgres.js ${postgresVersion}. Load average at the start: ${loadStart}; at the end: ${loadEnd}.

## Install size: \`npm i @multidb/config @multidb/router @multidb/dual-write drizzle-orm postgres\`

| node_modules | size on disk |
| --- | --- |
| everything (${size.packages} top-level entries; PGlite ${size.pglite ? 'INSTALLED' : 'not installed'}) | ${size.total.toFixed(1)} MB |
| \`@multidb/*\` (config, router, dual-write) | ${size.multidb.toFixed(1)} MB |
| drizzle-orm | ${size.drizzle.toFixed(1)} MB |
| postgres | ${size.postgres.toFixed(1)} MB |

## \`multidb --help\`

Whole process (\`node_modules/.bin/multidb --help\`), wall time and peak RSS from GNU time, ${HELP_RUNS} runs each,
alternating with a bare \`node -e 0\`.

| process | wall time | peak RSS |
| --- | --- | --- |
| \`node -e 0\` | ${fmt(bareMs, 'ms', 0)} | ${fmt(bareRss, 'MiB', 0)} |
| \`multidb --help\` | ${fmt(helpMs, 'ms', 0)} | ${fmt(helpRss, 'MiB', 0)} |

## \`multidb sync\` of ${ROWS.toLocaleString('en-US')} rows vs \`pg_dump --data-only | psql\` (PostgreSQL 15, whole processes)

Table \`${ITEMS_TABLE}\` as in the sync section, two local clusters (TCP), into an empty copy; each ratio is taken
run by run against the \`pg_dump | psql\` run just before it; start-up, connection and exit included.

| process | wall time | rows/s | peak RSS |
| --- | --- | --- | --- |
| \`pg_dump --data-only \\| psql\` | ${fmt(dump, 'ms', 0)} | ${Math.round(ROWS / (dump.median / 1000)).toLocaleString('en-US')} | |
| \`multidb sync --tables ${ITEMS_TABLE} --json\` | ${fmt(sync, 'ms', 0)} | ${Math.round(ROWS / (sync.median / 1000)).toLocaleString('en-US')} | ${fmt(summarize(syncRss), 'MiB', 0)} |

${ratios.map((r) => `- ${r.label}: ${verdict(r)}`).join('\n')}
`,
    ratios,
  );
} finally {
  await rm(scratch, { recursive: true, force: true });
}
