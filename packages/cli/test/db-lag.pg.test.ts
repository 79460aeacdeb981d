import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LagReport, ReplicaLag } from '@multidb/router';
import { type PgCluster, type PgNode, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// `pnpm db:lag` against a real primary with two streaming replicas, run as a child process like an operator would.
const PASSWORD = 'LagMarker-7d2f0a';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let cluster: PgCluster;
let paused: PgNode;
let streaming: PgNode;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function dbLag(args: string[], topology: Record<string, string>): Promise<Run> {
  // Only the topology given here: no database variable of the parent environment leaks in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/DATABASE|_DB_/.test(key)));
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'packages/cli/src/bin.ts', 'lag', ...args],
      { cwd: ROOT, env: { ...env, ...topology }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const topology = () => ({
  DATABASE_URL: cluster.primary.url,
  DATABASE_READ_REPLICA_1_URL: paused.url,
  DATABASE_READ_REPLICA_2_URL: streaming.url,
});

function replica(report: LagReport, name: string): ReplicaLag {
  const found = report.replicas.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no replica ${name} in ${JSON.stringify(report)}`);
  return found;
}

function assertNoPassword(run: Run): void {
  expect(run.stdout).not.toContain(PASSWORD);
  expect(run.stderr).not.toContain(PASSWORD);
}

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 2, password: PASSWORD });
  [paused, streaming] = cluster.replicas as [PgNode, PgNode];
  await cluster.primary.sql('CREATE TABLE lag_probe (id serial PRIMARY KEY, body text NOT NULL)');
  await cluster.waitForReplication();
});
afterAll(async () => {
  await cluster?.stop();
});

describe('pnpm db:lag on real PostgreSQL', () => {
  test('caught-up replicas: lag 0, streaming, exit 0', async () => {
    const run = await dbLag(['--json', '--sample-ms', '200'], topology());
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as LagReport;
    expect(report.ok).toBe(true);
    expect(report.primary).toMatchObject({ reachable: true, problem: null });
    for (const name of ['replica-1', 'replica-2'])
      expect(replica(report, name)).toMatchObject({
        reachable: true,
        state: 'streaming',
        receiver: 'streaming',
        replayPaused: false,
        lagBytes: 0,
        lagSeconds: 0,
        problem: null,
      });
    expect(replica(report, 'replica-1').url).toBe(paused.url.replace(PASSWORD, '***'));
    assertNoPassword(run);
  });

  test('a paused replica reports real lag; the other 0; limits decide the exit code', async () => {
    await paused.pauseReplay();
    try {
      await cluster.primary.sql(
        `INSERT INTO lag_probe (body) SELECT repeat('x', 200) FROM generate_series(1, 2000)`,
      );
      await cluster.waitForReplication(); // the unpaused replica only
      const run = await dbLag(['--json', '--sample-ms', '1000'], topology());
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as LagReport;
      const behind = replica(report, 'replica-1');
      expect(behind).toMatchObject({
        state: 'streaming',
        receiver: 'streaming',
        replayPaused: true,
        problem: null,
      });
      expect(behind.lagBytes).toBeGreaterThan(400_000);
      // Seen behind in both samples, 1 s apart: the router's heartbeat-style seconds.
      expect(behind.lagSeconds).toBeGreaterThanOrEqual(0.9);
      const current = replica(report, 'replica-2');
      expect(current).toMatchObject({ replayPaused: false, lagBytes: 0, lagSeconds: 0, problem: null });
      assertNoPassword(run);

      const strict = await dbLag(['--json', '--sample-ms', '100', '--max-bytes', '100000'], topology());
      expect(strict.code).toBe(1);
      const limited = JSON.parse(strict.stdout) as LagReport;
      expect(limited.ok).toBe(false);
      expect(replica(limited, 'replica-1').problem).toMatch(/^lag \d+ bytes > 100000$/);
      expect(replica(limited, 'replica-2').problem).toBeNull();

      const text = await dbLag(['--sample-ms', '100', '--max-bytes', '100000'], topology());
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/replica-1\s+replica\s+streaming\s+streaming\s+true\s+\S+\s+\d+/);
      expect(text.stdout).toContain('PROBLEM');
      assertNoPassword(text);
    } finally {
      await paused.resumeReplay();
    }
  });

  test('an unreachable replica: exit 1, reported, no password', async () => {
    const dead = `postgres://postgres:${PASSWORD}@127.0.0.1:1/postgres`;
    const run = await dbLag(['--json', '--sample-ms', '0', '--timeout-ms', '3000'], {
      ...topology(),
      DATABASE_READ_REPLICA_3_URL: dead,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as LagReport;
    expect(replica(report, 'replica-3')).toMatchObject({
      reachable: false,
      lagBytes: null,
      problem: expect.stringMatching(/^unreachable: .*ECONNREFUSED/),
    });
    assertNoPassword(run);
  });

  test('bad configuration or flags: exit 2, no password', async () => {
    const badUrl = await dbLag(['--json'], { DATABASE_URL: `mysql://root:${PASSWORD}@db/app` });
    expect(badUrl.code).toBe(2);
    assertNoPassword(badUrl);
    const badFlag = await dbLag(['--watch', 'often'], topology());
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--watch must be a number/);
  });

  test('--watch stops on SIGTERM within a second, also after a replica restart while it watched', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/DATABASE|_DB_/.test(key)));
    // node itself (not an npx wrapper) so that the signal reaches the CLI's own handler.
    const bin = ['--import', 'tsx', 'packages/cli/src/bin.ts'];
    const child = spawn(process.execPath, [...bin, 'lag', '--json', '--watch', '0.2'], {
      cwd: ROOT,
      env: { ...env, ...topology() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reports: LagReport[] = [];
    child.stdout.setEncoding('utf8');
    let pending = '';
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') reports.push(JSON.parse(line) as LagReport);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = async (what: string, check: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const reachable = (r: LagReport | undefined) => r !== undefined && replica(r, 'replica-2').reachable;
    await waitFor('a first report', () => reachable(reports.at(-1)));
    await streaming.stop();
    await waitFor(
      'the stopped replica reported',
      () => reports.at(-1) !== undefined && !reachable(reports.at(-1)),
    );
    await streaming.start();
    await waitFor('the replica back', () => reachable(reports.at(-1)));
    const started = performance.now();
    child.kill('SIGTERM');
    const code = await exited;
    const ms = performance.now() - started;
    console.log(`multidb lag --watch: exit ${code} ${ms.toFixed(0)} ms after SIGTERM`);
    // Stopped by its own handler (an exit code, not killed by the signal), connections closed.
    expect(code).not.toBeNull();
    expect(ms).toBeLessThan(1000);
  });
});
