// `pnpm test:consumer`: build, pack every public package, install the tarballs into a scratch app OUTSIDE the
// workspace with npm, and use them as a user would. Exit code 0 only if every check held.
// MULTIDB_CONSUMER_DRIZZLE=1.0.0-rc.5 (any npm spec of drizzle-orm) installs that drizzle-orm in the apps instead of
// 0.45; on 1.0 each app's `<file>.drizzle-1.<ext>` fixture (its code in drizzle-orm 1.0's spelling) replaces
// `<file>.<ext>`. The tarballs are the same either way: the workspace builds them as they are published.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startPgCluster } from '@multidb/testing';
import { lintTarball } from './lint-tarball.js';
import { PUBLIC_PACKAGES } from './public-packages.js';

const exec = promisify(execFile);
/** Run with the app's own pg: creates the `fresh` database (the syncBackup target) on the backup server. */
const CREATE_FRESH = `const pg = (await import('pg')).default; const c = new pg.Client(process.argv[1]);
await c.connect(); await c.query('create database fresh'); await c.end();`;
/**
 * Run in an app: prints `<file>: { a, b } from '<drizzle-orm subpath>'` for each named import in
 * node_modules/@multidb/<pkg>/dist/**.js that the app's drizzle-orm does not export.
 */
const MISSING_IMPORTS = `import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
const root = 'node_modules/@multidb';
const files = [];
for (const pkg of await readdir(root)) {
  const dist = join(root, pkg, 'dist');
  for (const f of await readdir(dist, { recursive: true }).catch(() => [])) if (f.endsWith('.js')) files.push(join(dist, f));
}
const exportsOf = new Map();
for (const file of files.sort()) {
  const text = await readFile(file, 'utf8');
  for (const m of text.matchAll(/(?:import|export)\\s*\\{([^}]*)\\}\\s*from\\s*['"](drizzle-orm(?:\\/[^'"]*)?)['"]/g)) {
    const spec = m[2];
    // A driver subpath whose driver the app did not install cannot load: the toolkit loads those lazily.
    if (!exportsOf.has(spec)) exportsOf.set(spec, await import(spec).then((m) => new Set(Object.keys(m)), () => null));
    if (exportsOf.get(spec) === null) continue;
    const names = m[1].split(',').map((n) => n.trim()).filter((n) => n && !n.startsWith('type '))
      .map((n) => n.split(/\\s+as\\s+/)[0].trim());
    const missing = names.filter((n) => !exportsOf.get(spec).has(n));
    if (missing.length) console.log(file.slice(root.length + 1) + ': { ' + missing.join(', ') + " } from '" + spec + "'");
  }
}`;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP_FIXTURES = fileURLToPath(new URL('./app/', import.meta.url));
const PG_APP_FIXTURES = fileURLToPath(new URL('./app-postgres/', import.meta.url));
const NODE_PG_APP = fileURLToPath(new URL('./app-pg/app.mjs', import.meta.url));
const started = performance.now();
const failures: string[] = [];
const keep = process.argv.includes('--keep');
const THIRD_PARTY = /^node_modules\/(drizzle-orm|@electric-sql\/pglite)\//;
const THIRD_PARTY_NAMES = "drizzle-orm's and @electric-sql/pglite's own .d.ts";
/** The drizzle-orm the apps install (an npm spec) and its release line. */
const DRIZZLE = process.env.MULTIDB_CONSUMER_DRIZZLE?.trim() || '0.45';
const DRIZZLE_1 = /^[\^~]?1\./.test(DRIZZLE);
const drizzleOrm = `drizzle-orm@${DRIZZLE}`;
/** Copies an app's fixture: on drizzle-orm 1.0 its `.drizzle-1` variant when there is one. */
async function copyFixture(from: string, to: string): Promise<void> {
  const variant = from.replace(/(\.[a-z]+)$/, '.drizzle-1$1');
  await copyFile(DRIZZLE_1 && (await exists(variant)) ? variant : from, to);
}

const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const step = (text: string) => console.log(`\n── ${text} (${seconds()} s)`);
function check(ok: boolean, text: string): void {
  console.log(`   ${ok ? '✓' : '✗'} ${text}`);
  if (!ok) failures.push(text);
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
async function sh(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? String(error),
    };
  }
}
async function must(cmd: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await sh(cmd, args, cwd);
  if (result.code !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** `npm i` of tarballs and registry packages into a scratch app, quietly. */
async function npmInstall(specs: readonly string[], cwd: string): Promise<string> {
  return must('npm', ['i', '--no-audit', '--no-fund', '--loglevel=error', ...specs], cwd);
}

async function duBytes(path: string): Promise<number> {
  const out = await must('du', ['-sb', path], ROOT);
  return Number(out.split('\t')[0]);
}

console.log(`consumer apps on ${drizzleOrm}${DRIZZLE_1 ? ' (the 1.0 fixtures)' : ''}`);
const scratch = await mkdtemp(join(tmpdir(), 'multidb-consumer-'));
const packs = join(scratch, 'packs');
const app = join(scratch, 'app');
try {
  step('build (turbo, tsc per package)');
  await must('pnpm', ['build'], ROOT);

  step('pnpm pack every public package');
  const tarballs: string[] = [];
  for (const name of PUBLIC_PACKAGES) {
    await must('pnpm', ['pack', '--pack-destination', packs], join(ROOT, 'packages', name));
  }
  for (const file of await readdir(packs)) if (file.endsWith('.tgz')) tarballs.push(join(packs, file));
  check(tarballs.length === PUBLIC_PACKAGES.length, `${tarballs.length} tarballs`);
  for (const tarball of tarballs) {
    const listing = await must('tar', ['-tzf', tarball], ROOT);
    const files = listing.split('\n').filter(Boolean);
    const stray = files.filter(
      (f) => !/^package\/(dist\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(f),
    );
    const ts = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    check(
      stray.length === 0 && ts.length === 0,
      `${tarball.split('/').pop()}: ${files.length} files, only dist + README + LICENSE + CHANGELOG${stray.length ? ` (stray: ${stray.join(', ')})` : ''}`,
    );
  }

  step('publint and arethetypeswrong on every tarball');
  const attw = join(ROOT, 'node_modules', '.bin', 'attw');
  for (const tarball of tarballs) {
    const problems = await lintTarball(tarball, attw);
    check(
      problems.length === 0,
      `${tarball.split('/').pop()}: ${problems.length === 0 ? 'nothing reported' : problems.join('\n     ')}`,
    );
  }

  step('npm i the tarballs into a scratch app outside the workspace');
  await must('mkdir', ['-p', app], ROOT);
  await writeFile(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const file of ['app.mjs', 'consumer.ts', 'tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    await copyFixture(join(APP_FIXTURES, file), join(app, file));
  }
  const installStarted = performance.now();
  await npmInstall(
    [
      ...tarballs,
      drizzleOrm,
      '@electric-sql/pglite@0.5',
      'typescript@5.9',
      '@types/node@20',
      '@trpc/server@11',
    ],
    app,
  );
  console.log(
    `   installed in ${((performance.now() - installStarted) / 1000).toFixed(1)} s; node_modules ${((await duBytes(join(app, 'node_modules'))) / 1e6).toFixed(1)} MB`,
  );

  step('(e) exactly one drizzle-orm; optional peers not installed');
  const found = await sh(
    'find',
    [
      'node_modules',
      '-type',
      'f',
      '-path',
      '*/drizzle-orm/package.json',
      '-not',
      '-path',
      '*/drizzle-orm/*/*',
    ],
    app,
  );
  const copies = found.stdout.split('\n').filter(Boolean);
  check(copies.length === 1, `drizzle-orm copies: ${copies.join(', ')}`);
  const installed = await sh(
    process.execPath,
    ['--input-type=module', '-e', "console.log((await import('drizzle-orm/version')).npmVersion)"],
    app,
  );
  const drizzleInstalled = installed.stdout.trim();
  check(
    installed.code === 0 &&
      (DRIZZLE_1 ? drizzleInstalled.startsWith('1.') : drizzleInstalled.startsWith('0.45.')),
    `drizzle-orm ${drizzleInstalled || installed.stderr.trim()} installed (${drizzleOrm} asked)`,
  );
  check(!(await exists(join(app, 'node_modules', 'postgres'))), 'postgres.js not installed (optional peer)');
  check(
    !(await exists(join(app, 'node_modules', 'prom-client'))),
    'prom-client not installed (optional peer)',
  );
  // app.mjs builds a router and a dual writer: their telemetry finds no @opentelemetry/api and stays off.
  check(
    !(await exists(join(app, 'node_modules', '@opentelemetry', 'api'))),
    '@opentelemetry/api not installed (optional peer)',
  );

  step(`(h) every named drizzle-orm import in our dist is exported by ${drizzleOrm}`);
  // Node ESM refuses a named import the installed drizzle-orm does not export (a link error before any code
  // runs) and stops at the first; this lists them all, per file.
  const unresolved = await sh(process.execPath, ['--input-type=module', '-e', MISSING_IMPORTS], app);
  check(
    unresolved.code === 0 && unresolved.stdout.trim() === '',
    `named drizzle-orm imports missing from the installed drizzle-orm${unresolved.stdout.trim() ? `:\n     ${unresolved.stdout.trim().split('\n').join('\n     ')}` : `: none${unresolved.code === 0 ? '' : ` (exit ${unresolved.code}: ${unresolved.stderr.trim()})`}`}`,
  );

  step('(a) node app.mjs: router + dual-write + sync + drift on PGlite');
  const program = await sh(process.execPath, ['app.mjs'], app);
  check(
    program.code === 0,
    `node app.mjs exit ${program.code}: ${(program.stdout + program.stderr).trim().slice(0, 2000)}`,
  );

  step(
    '(b) tsc on a consumer file: strict, exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature, skipLibCheck false',
  );
  // The consumer file uses the Prometheus subpath, whose declarations need prom-client: installed as its user would.
  await npmInstall(['prom-client@15'], app);
  for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    const tsc = await sh(join(app, 'node_modules', '.bin', 'tsc'), ['-p', config], app);
    const errors = `${tsc.stdout}${tsc.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
    // skipLibCheck false also checks drizzle-orm's and PGlite's own declarations, which report errors of their own
    // under these flags with or without this toolkit: counted, not ours to fix. Anything else fails.
    const theirs = errors.filter((line) => THIRD_PARTY.test(line));
    const ours = errors.filter((line) => !THIRD_PARTY.test(line));
    check(
      ours.length === 0 && (tsc.code === 0 || theirs.length > 0),
      `tsc -p ${config}: ${ours.length} error(s) in consumer.ts and @multidb declarations` +
        `${ours.length ? `:\n     ${ours.join('\n     ')}` : ''}; ${theirs.length} inside ${THIRD_PARTY_NAMES}`,
    );
    if (DRIZZLE_1) {
      // drizzle-orm 1.0's own declarations do not compile with skipLibCheck false (their errors are filtered out
      // above); what a 1.0 app compiles with is skipLibCheck true: consumer.ts must type-check there too.
      const lib = await sh(join(app, 'node_modules', '.bin', 'tsc'), ['-p', config, '--skipLibCheck'], app);
      const libErrors = `${lib.stdout}${lib.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
      check(
        lib.code === 0 && libErrors.length === 0,
        `tsc -p ${config} --skipLibCheck: ${libErrors.length} error(s)${libErrors.length ? `:\n     ${libErrors.join('\n     ')}` : ''}`,
      );
    }
  }

  step('(c) npx multidb');
  const help = await sh('npx', ['--no-install', 'multidb', '--help'], app);
  check(help.code === 0 && help.stdout.includes('usage: multidb'), `multidb --help exit ${help.code}`);
  const version = await sh('npx', ['--no-install', 'multidb', '--version'], app);
  check(version.stdout.trim() === '0.1.0', `multidb --version: ${version.stdout.trim()}`);
  const bin = join(app, 'node_modules', '.bin', 'multidb');
  const timed = await sh('/usr/bin/time', ['-f', '%e s %M KB', bin, '--help'], app);
  console.log(`   multidb --help: ${timed.stderr.trim().split('\n').pop()} (wall, max RSS)`);
  const drift = await sh(
    'npx',
    [
      '--no-install',
      'multidb',
      'drift',
      '--source',
      'pglite:./data/primary',
      '--target',
      'pglite:./data/backup',
      '--json',
      '--recheck-delay-ms',
      '0',
    ],
    app,
  );
  const clean = drift.code === 0 && (JSON.parse(drift.stdout || '{}') as { clean?: boolean }).clean === true;
  check(
    clean,
    `multidb drift on two PGlite directories: exit ${drift.code}${clean ? ', clean' : `\n${drift.stdout}${drift.stderr}`}`,
  );
  const usage = await sh('npx', ['--no-install', 'multidb', 'sideways'], app);
  check(usage.code === 2, `multidb sideways: exit ${usage.code} (2 expected)`);

  step('(f) an app on postgres.js only: no PGlite installed, our declarations still type-check');
  const pgApp = join(scratch, 'app-postgres');
  await must('mkdir', ['-p', pgApp], ROOT);
  await writeFile(
    join(pgApp, 'package.json'),
    `${JSON.stringify({ name: 'consumer-app-postgres', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const file of ['consumer.ts', 'tsconfig.json'])
    await copyFixture(join(PG_APP_FIXTURES, file), join(pgApp, file));
  const only = ['config', 'router', 'dual-write'].map(
    (name) => tarballs.find((t) => t.includes(`/multidb-${name}-`)) as string,
  );
  await npmInstall([...only, drizzleOrm, 'postgres', 'typescript@5.9', '@types/node@20'], pgApp);
  check(!(await exists(join(pgApp, 'node_modules', '@electric-sql'))), 'PGlite not installed');
  const pgTsc = await sh(join(pgApp, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], pgApp);
  const pgErrors = `${pgTsc.stdout}${pgTsc.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
  const pgOurs = pgErrors.filter((line) => !THIRD_PARTY.test(line));
  check(
    pgOurs.length === 0,
    `tsc without PGlite: ${pgOurs.length} error(s) in consumer.ts and @multidb declarations${pgOurs.length ? `:\n     ${pgOurs.join('\n     ')}` : ''}`,
  );
  step(
    '(g) an app on node-postgres (its own pg.Pools): router + durable dual-write + sync + drift on PostgreSQL',
  );
  const nodePgApp = join(scratch, 'app-pg');
  await must('mkdir', ['-p', nodePgApp], ROOT);
  await writeFile(
    join(nodePgApp, 'package.json'),
    `${JSON.stringify({ name: 'consumer-app-pg', private: true, type: 'module' }, null, 2)}\n`,
  );
  await copyFixture(NODE_PG_APP, join(nodePgApp, 'app.mjs'));
  const nodePgPackages = ['config', 'router', 'dual-write', 'sync'].map(
    (name) => tarballs.find((t) => t.includes(`/multidb-${name}-`)) as string,
  );
  await npmInstall([...nodePgPackages, drizzleOrm, 'pg@8', 'pg-copy-streams@7'], nodePgApp);
  check(!(await exists(join(nodePgApp, 'node_modules', 'postgres'))), 'postgres.js not installed');
  check(!(await exists(join(nodePgApp, 'node_modules', '@electric-sql'))), 'PGlite not installed');
  const cluster = await startPgCluster({ replicas: 1, backup: true });
  try {
    const backupUrl = (cluster.backup as { url: string }).url;
    const fresh = await sh(
      process.execPath,
      ['--input-type=module', '-e', CREATE_FRESH, backupUrl],
      nodePgApp,
    );
    check(fresh.code === 0, `create database fresh: ${fresh.stderr.trim()}`);
    const pgRun = await sh(process.execPath, ['app.mjs'], nodePgApp, {
      PRIMARY_URL: cluster.primary.url,
      REPLICA_URL: (cluster.replicas[0] as { url: string }).url,
      BACKUP_URL: backupUrl,
      FRESH_URL: backupUrl.replace(/\/postgres$/, '/fresh'),
    });
    check(
      pgRun.code === 0,
      `node app.mjs on node-postgres exit ${pgRun.code}: ${(pgRun.stdout + pgRun.stderr).trim().slice(0, 2000)}`,
    );
  } finally {
    await cluster.stop();
  }
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
  console.error(error);
} finally {
  if (keep) console.log(`\nkept ${scratch}`);
  else await rm(scratch, { recursive: true, force: true });
}

console.log(
  `\n${failures.length === 0 ? 'consumer test passed' : `consumer test FAILED (${failures.length})`} in ${seconds()} s`,
);
process.exitCode = failures.length === 0 ? 0 : 1;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
