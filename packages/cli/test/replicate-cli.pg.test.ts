import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// `multidb replicate` as an operator runs it: a child process against real PostgreSQL 15 servers (wal_level =
// logical), configured from the environment, with a password that must never be printed.
const PASSWORD = 'ReplMarker-5c1e9b';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let cluster: PgCluster;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function multidb(args: string[]): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/DATABASE|_DB_/.test(key)));
  const topology = { DATABASE_URL: cluster.primary.url, BACKUP_DATABASE_URL: cluster.backup?.url ?? '' };
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'packages/cli/src/bin.ts', 'replicate', ...args],
      { cwd: ROOT, env: { ...env, ...topology, CI: 'true' }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        expect(stdout + stderr).not.toContain(PASSWORD);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  cluster = await startPgCluster({
    replicas: 0,
    backup: true,
    password: PASSWORD,
    settings: { wal_level: 'logical' },
  });
  for (const node of [cluster.primary, cluster.backup]) {
    await node?.sql('create table items (id int primary key, body text)');
    await node?.sql('create table loose (body text)');
  }
  await cluster.primary.sql(`insert into items select g, 'b' || g from generate_series(1, 1000) g`);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('multidb replicate', () => {
  test('check lists every problem and exits 1; nothing is created', async () => {
    const run = await multidb(['check', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; problems: { check: string; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.check)).toEqual(['replica-identity']);
    expect(report.problems[0]?.message).toContain('public.loose');
    const [subs] = (await cluster.backup?.sql('select count(*)::int as n from pg_subscription')) ?? [];
    expect(subs?.n).toBe(0);
  });

  test('a bad subcommand or flag is a usage error (exit 2)', async () => {
    expect((await multidb(['nope'])).code).toBe(2);
    expect((await multidb(['setup', '--tables', ''])).code).toBe(2);
  });

  test('setup copies, status is healthy, teardown leaves no slot', async () => {
    const setup = await multidb(['setup', '--tables', 'items', '--json']);
    expect(setup.code, setup.stderr).toBe(0);
    expect(JSON.parse(setup.stdout)).toMatchObject({ ok: true, tables: ['public.items'], copied: true });
    const [copied] = (await cluster.backup?.sql('select count(*)::int as n from items')) ?? [];
    expect(copied?.n).toBe(1000);

    const status = await multidb(['status', '--tables', 'items']);
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toContain('healthy');
    expect(status.stdout).toContain('ready');

    const teardown = await multidb(['teardown', '--json']);
    expect(teardown.code, teardown.stderr).toBe(0);
    const [slots] = await cluster.primary.sql('select count(*)::int as n from pg_replication_slots');
    expect(slots?.n).toBe(0);
    const after = await multidb(['status']);
    expect(after.code, 'not set up is not healthy').toBe(1);
  });
});
