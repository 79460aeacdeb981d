import { beforeAll, describe, expect, test } from 'vitest';
import { expectNoCredentials, expectStoryHeld, reportOf } from './demo-assertions.js';
import { type DemoRun, runDemo } from './run-demo.js';

// `pnpm demo --json` end to end on the embedded default (PGlite), as CI runs it: every claim the demo prints is
// asserted here from the figures of its JSON report.
let run: DemoRun;

beforeAll(async () => {
  run = await runDemo(['--json']);
}, 300_000);

describe('pnpm demo --json (embedded PGlite)', () => {
  test('prints one JSON document and nothing else on stdout', () => {
    const report = reportOf(run);
    expect(run.stdout.trim().startsWith('{')).toBe(true);
    expect(report.mode).toBe('pglite');
    expect(report.steps.setup?.databases.map((d) => d.url)).toEqual([
      'pglite:./.demo-data/primary',
      'pglite:./.demo-data/data',
      'pglite:./.demo-data/backup',
    ]);
  });

  test('every claim held: failover, read-your-writes, backup outage and catch-up, sync, drift', () => {
    expectStoryHeld(run);
  });

  test('no secret in the output', () => {
    expectNoCredentials(run);
  });
});

describe('pnpm demo arguments', () => {
  test('an unknown flag is a usage error: exit 2, usage on stderr, nothing run', async () => {
    const bad = await runDemo(['--nope'], 60_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: pnpm demo');
    expect(bad.stdout).toBe('');
  });
});
