import { pgBinariesAvailable } from '@multidb/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectNoCredentials, expectStoryHeld, reportOf } from './demo-assertions.js';
import { type DemoRun, runDemo } from './run-demo.js';

// `pnpm demo --pg --json`: the same story on real PostgreSQL clusters (a primary with three streaming replicas
// and a backup server, password authentication).
let run: DemoRun;

beforeAll(async () => {
  expect(pgBinariesAvailable(), 'PostgreSQL server binaries are needed for this suite').toBe(true);
  run = await runDemo(['--pg', '--json']);
}, 300_000);

describe('pnpm demo --pg --json (real PostgreSQL)', () => {
  test('runs on real servers and names them without their password', () => {
    const report = reportOf(run);
    expect(report.mode).toBe('postgres');
    const urls = report.steps.setup?.databases.map((d) => d.url) ?? [];
    expect(urls).toHaveLength(3);
    // The cluster runs with a password: it shows as redacted, never in clear.
    for (const url of urls) expect(url).toMatch(/^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+$/);
  });

  test('every claim held: failover, read-your-writes, backup outage and catch-up, sync, drift', () => {
    expectStoryHeld(run);
  });

  test('no password or connection string with credentials in the output', () => {
    expectNoCredentials(run);
    const secretClaim = reportOf(run).claims.find((c) => c.id === 'no-secret-in-output');
    // The database password and the health token were both checked.
    expect(secretClaim?.detail).toMatch(/^2 secret\(s\) checked, 0 found/);
  });
});
