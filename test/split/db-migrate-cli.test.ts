import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MigrateCliIo, runMigrateCli } from '@multidb/cli';
import { splitLayout } from '@multidb/example-app';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './drizzle-kit-migrate.js';

const root = mkdtempSync(join(tmpdir(), 'multidb-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: MigrateCliIo = { env, layout: splitLayout, out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await runMigrateCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

type Report = Record<string, unknown> & { databases: Record<string, unknown>[] };
const json = <T = Report>(text: string) => JSON.parse(text) as T;

describe('db-migrate CLI', () => {
  it('exits 2 on bad arguments and bad configuration, without opening a database', async () => {
    expect((await run(['sideways'], {})).code).toBe(2);
    expect((await run(['status', '--repair'], {})).code).toBe(2);
    const bad = await run(['all', '--json'], {
      SPLIT_DB_MODE: 'maybe',
      DATABASE_URL: 'mysql://u:hunter2@h/db',
    });
    expect(bad.code).toBe(2);
    const { error } = json<{ error: { type: string; issues: { variable: string }[] } }>(bad.out);
    expect(error.type).toBe('InvalidConfig');
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['DATABASE_URL', 'SPLIT_DB_MODE']);
    expect(bad.out).not.toContain('hunter2');
  });

  it('status, migrate and status again on one PGlite dir (exit 0), with --json', async () => {
    const env = { PRIMARY_DATABASE_URL: `pglite:${join(root, 'one', 'db')}` };
    const before = await run(['status', '--json'], env);
    expect(before.code).toBe(0);
    expect(json(before.out).databases.map((d) => [d.database, (d.pending as unknown[]).length])).toEqual([
      ['primary', 1],
      ['data', 1],
    ]);
    const migrated = await run(['all'], env);
    expect(migrated.code).toBe(0);
    expect(migrated.out).toMatch(/primary pglite:.*\(drizzle.__migrations_primary\): ok/);
    // 0000_init (drizzle-kit 0.31 journal tag) or 20261122022022_init (drizzle-kit 1.0 folder)
    expect(migrated.out).toMatch(/applied\s+\d+_init/);
    const after = await run(['status', '--json'], env);
    expect(json(after.out).databases.map((d) => (d.applied as unknown[]).length)).toEqual([1, 1]);
  });

  it('exits 1 when pre-flight refuses a database, and reports both', async () => {
    const single = { PRIMARY_DATABASE_URL: `pglite:${join(root, 'mixed', 'db')}` };
    expect((await run(['primary'], single)).code).toBe(0);
    const split = {
      SPLIT_DB_MODE: 'true',
      PRIMARY_DATABASE_URL: `pglite:${join(root, 'mixed', 'fresh')}`,
      DATA_DATABASE_URL: single.PRIMARY_DATABASE_URL,
    };
    const result = await run(['all', '--json'], split);
    expect(result.code).toBe(1);
    const report = json(result.out);
    expect(report.ok).toBe(false);
    expect(report.databases.map((d) => [d.database, d.outcome])).toEqual([
      ['primary', 'ok'],
      ['data', 'blocked'],
    ]);
  });

  it('exits 1 when a server is unreachable and never prints its password', async () => {
    const env = { DATABASE_URL: 'postgres://app:s3cret-pw@127.0.0.1:1/app' };
    const result = await run(['status'], env);
    expect(result.code).toBe(1);
    expect(result.out).toContain('postgres://app:***@127.0.0.1:1/app');
    expect(`${result.out}${result.err}`).not.toContain('s3cret-pw');
  });

  it('runs as a script: default pglite:./.data/primary, exit codes through the process', async () => {
    const cwd = mkdtempSync(join(root, 'default-'));
    const script = (args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
          [
            join(REPO_ROOT, 'packages', 'cli', 'src', 'bin.ts'),
            'migrate',
            ...args,
            '--layout',
            join(REPO_ROOT, 'packages', 'example-app', 'src', 'layout.ts'),
          ],
          { cwd, env, timeout: 60_000 },
          (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
        );
      });
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/DATABASE_URL|SPLIT_DB/.test(k)),
    );
    const ok = await script(['all', '--json'], clean);
    expect(ok.code).toBe(0);
    expect(json(ok.stdout).databases.map((d) => d.url)).toEqual([
      'pglite:./.data/primary',
      'pglite:./.data/primary',
    ]);
    expect((await script(['all'], { ...clean, SPLIT_DB_MODE: 'maybe' })).code).toBe(2);
  });
});
