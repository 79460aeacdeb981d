import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakScan, uniqueMarker } from './support/leak-scan.js';
import { runScript, type ScriptRun } from './support/run-script.js';

// Every CLI (and the demo) against a real cluster whose password is a unique marker, with URLs that work, URLs
// with a wrong password (that still contain the marker) and URLs to a closed port: whatever they print, on stdout
// or stderr, plain or --json, succeeding or failing, never holds the marker.
const MARKER = uniqueMarker();
const scan = new LeakScan(MARKER);
let cluster: PgCluster;
let urls: { primary: string; replica: string; backup: string };

const wrongPassword = (url: string) => url.replace(MARKER, `${MARKER}x`);
const closedPort = (url: string) => url.replace(/:(\d+)\//, ':1/');

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 1, backup: true, password: MARKER });
  urls = {
    primary: cluster.primary.url,
    replica: cluster.replicas[0]?.url as string,
    backup: cluster.backup?.url as string,
  };
  expect(urls.primary).toContain(MARKER);
});
afterAll(() => cluster?.stop());

type Env = Record<string, string>;
const envOf = (map: (url: string) => string = (u) => u): Env => ({
  DATABASE_URL: map(urls.primary),
  DATABASE_READ_REPLICA_1_URL: map(urls.replica),
  BACKUP_DATABASE_URL: map(urls.backup),
  SPLIT_DB_MODE: 'false',
});

async function run(label: string, script: string, args: string[], env: Env): Promise<ScriptRun> {
  const result = await runScript(script, args, env);
  scan.add(`${label} stdout`, result.stdout);
  scan.add(`${label} stderr`, result.stderr);
  return result;
}

/** The CLI runs that must fail: wrong password (--json) and closed port (plain), through env and flags. */
const FAILING: readonly [string, string, string[]][] = [
  ['db:migrate', 'db-migrate.ts', ['all']],
  ['db:migrate:status', 'db-migrate.ts', ['status']],
  ['sync:backup', 'sync-backup.ts', []],
  ['drift', 'drift.ts', ['--recheck-delay-ms', '0']],
  ['db:lag', 'db-lag.ts', ['--sample-ms', '100', '--timeout-ms', '2000']],
];

describe('secret-leak scan of the CLIs and the demo (real PostgreSQL, password = marker)', () => {
  it('successful runs: db:migrate, db:migrate:status, sync:backup, drift, db:lag, plain and --json', async () => {
    for (const json of [[], ['--json']]) {
      expect((await run('db:migrate', 'db-migrate.ts', ['all', ...json], envOf())).code).toBe(0);
      // The first run migrated the backup too (BACKUP_DATABASE_URL); a second is a no-op on all three.
      expect((await run('db:migrate (again)', 'db-migrate.ts', ['all', ...json], envOf())).code).toBe(0);
      expect((await run('db:migrate:status', 'db-migrate.ts', ['status', ...json], envOf())).code).toBe(0);
      expect((await run('sync:backup', 'sync-backup.ts', [...json], envOf())).code).toBe(0);
      expect((await run('drift', 'drift.ts', ['--recheck-delay-ms', '0', ...json], envOf())).code).toBe(0);
      const lag = await run('db:lag', 'db-lag.ts', ['--sample-ms', '100', ...json], envOf());
      expect(lag.code).toBe(0);
    }
    const lagJson = scan.captured.filter((c) => c.source === 'db:lag stdout').at(-1)?.text ?? '';
    expect(JSON.parse(lagJson)).toMatchObject({ ok: true });
    scan.expectClean(24);
  });

  it('failing runs: wrong password and closed port, in the environment and in --source/--target flags', async () => {
    const runs: Promise<ScriptRun>[] = [];
    for (const [label, script, args] of FAILING) {
      runs.push(run(`${label} wrong password`, script, [...args, '--json'], envOf(wrongPassword)));
      runs.push(run(`${label} closed port`, script, args, envOf(closedPort)));
    }
    for (const script of ['sync-backup.ts', 'drift.ts'])
      runs.push(
        run(
          `${script} flags`,
          script,
          ['--source', wrongPassword(urls.primary), '--target', closedPort(urls.backup)],
          {},
        ),
        run(
          `${script} flags --json`,
          script,
          ['--json', '--source', urls.primary, '--target', wrongPassword(urls.backup)],
          {},
        ),
      );
    // Malformed URLs holding the marker, through the environment parser.
    runs.push(
      run('sync:backup malformed', 'sync-backup.ts', [], {
        DATABASE_URL: `postgres://u:${MARKER}@[::1`,
        BACKUP_DATABASE_URL: `mysql://root:${MARKER}@db/x`,
      }),
    );
    // Two at a time: each is a Node process with tsx on a 2-core machine.
    const results: ScriptRun[] = [];
    for (let i = 0; i < runs.length; i += 2) results.push(...(await Promise.all(runs.slice(i, i + 2))));
    expect(results.every((r) => r.code !== 0 && r.code !== null)).toBe(true);
    expect(results.every((r) => r.stdout + r.stderr !== '')).toBe(true);
    // The connection strings were printed, redacted (the scan is not vacuous).
    expect(scan.captured.some((c) => c.text.includes(':***@'))).toBe(true);
    scan.expectClean(54);
  });

  it('the demo (--json) with marker URLs in its environment', async () => {
    const demo = await run('demo --json', 'demo.ts', ['--json'], envOf());
    expect(demo.code).toBe(0);
    expect(JSON.parse(demo.stdout)).toMatchObject({ ok: true });
    scan.expectClean(56);
  }, 240_000);
});
