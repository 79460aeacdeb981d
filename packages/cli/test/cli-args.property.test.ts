import { type ConnectionCounter, startConnectionCounter } from '@multidb/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runDriftCli, runSyncCli } from '../src/index.js';

// Both CLIs get random and hostile argv. Their databases point at a local port that only counts connection
// attempts (and resets them), so "nothing was touched" is observable: a rejected argv must not even connect.
// (A clean close instead of a reset makes postgres.js 3.4.9 reconnect forever: porsager/postgres#1193.)
const MARKER = 'Pw-Abuse-7c2e91';
let counter: ConnectionCounter;
let env: Record<string, string>;

beforeAll(async () => {
  counter = await startConnectionCounter();
  env = {
    CI: 'true',
    DATABASE_URL: counter.url('primary', `app:${MARKER}`),
    BACKUP_DATABASE_URL: counter.url('backup', `app:${MARKER}`),
  };
});
afterAll(() => counter?.close());

async function run(cli: typeof runSyncCli, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
  };
  const code = await cli(argv, io);
  return { code, stdout, stderr };
}

const hostileValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '0',
    '1e3',
    '0x10',
    ' 5',
    '9'.repeat(40),
    'NaN',
    "'; DROP TABLE shop.customers; --",
    '"we""ird; schema"."Tab le"',
    'a,,b',
    '\u0000',
    `postgres://app:${MARKER}@127.0.0.1:1/x`,
    `mysql://root:${MARKER}@db/x`,
  ),
);

const SYNC_FLAGS = ['--source', '--target', '--tables', '--batch-size', '--chunk-rows', '--lanes'];
const SYNC_SWITCHES = ['--no-copy', '--restart', '--dry-run', '--skip-matviews', '--json'];
const DRIFT_FLAGS = [
  '--source',
  '--target',
  '--tables',
  '--recheck-delay-ms',
  '--chunk-rows',
  '--max-replace-rows',
];
const DRIFT_SWITCHES = ['--repair', '--json'];

/** Arguments that parse (flags with values, switches) in a random order. */
const plausible = (flags: string[], switches: string[]) =>
  fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...flags), hostileValue).map(([f, v]) => [f, v]),
      fc.tuple(fc.constantFrom(...flags), hostileValue).map(([f, v]) => [`${f}=${v}`]),
      fc.constantFrom(...switches).map((s) => [s]),
    ),
    { maxLength: 6 },
  );

/**
 * One element no valid command line has: an unknown flag or a positional (anywhere), or at the end (where no later
 * repetition of the flag can override it) a bad number, an empty table list or a flag missing its value.
 */
const poison = (numeric: string[]) =>
  fc.oneof(
    fc
      .stringMatching(/^--[a-z][a-z-]{0,12}$/)
      .filter((f) => !KNOWN.includes(f))
      .map((f) => ({ parts: [f], anywhere: true })),
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((s) => !s.startsWith('-'))
      .map((s) => ({ parts: [s], anywhere: true })),
    fc
      .tuple(fc.constantFrom(...numeric), fc.constantFrom('-1', 'ten', '1.5', '', '1e3', '99999999999'))
      .map(([f, v]) => ({ parts: [`${f}=${v}`], anywhere: false })),
    fc
      .constantFrom<string[]>(['--tables=,'], ['--source'], ['--tables'])
      .map((parts) => ({ parts, anywhere: false })),
  );
const KNOWN = [...SYNC_FLAGS, ...SYNC_SWITCHES, ...DRIFT_FLAGS, ...DRIFT_SWITCHES, '--help'];

const invalidArgv = (flags: string[], switches: string[], numeric: string[]) =>
  fc.tuple(plausible(flags, switches), poison(numeric), fc.nat()).map(([args, bad, at]) => {
    const parts = [...args];
    if (bad.anywhere) parts.splice(at % (parts.length + 1), 0, bad.parts);
    else parts.push(bad.parts);
    return parts.flat();
  });

describe.each([
  ['sync:backup', runSyncCli, SYNC_FLAGS, SYNC_SWITCHES, ['--batch-size', '--chunk-rows', '--lanes']],
  [
    'drift',
    runDriftCli,
    DRIFT_FLAGS,
    DRIFT_SWITCHES,
    ['--recheck-delay-ms', '--chunk-rows', '--max-replace-rows'],
  ],
] as const)('%s argv (property)', (_name, cli, flags, switches, numeric) => {
  it('a rejected command line exits 2 with a usage error, connects to nothing, prints no password', async () => {
    await fc.assert(
      fc.asyncProperty(invalidArgv([...flags], [...switches], [...numeric]), async (argv) => {
        const before = counter.attempts;
        const { code, stdout, stderr } = await run(cli, argv);
        expect(code).toBe(2);
        expect(stderr).toMatch(/^(sync:backup|drift): /);
        expect(counter.attempts).toBe(before);
        expect(stdout + stderr).not.toContain(MARKER);
        // With --json parsed, stdout is one JSON error document; otherwise nothing.
        if (stdout !== '') expect(JSON.parse(stdout)).toMatchObject({ error: { type: expect.any(String) } });
      }),
      { numRuns: 300 },
    );
  });

  it('any command line: an exit code, never a crash, never a password in the output', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          plausible([...flags], [...switches]).map((a) => a.flat()),
          invalidArgv([...flags], [...switches], [...numeric]),
        ),
        async (argv) => {
          const { code, stdout, stderr } = await run(cli, argv);
          expect([1, 2]).toContain(code);
          expect(stdout + stderr).not.toContain(MARKER);
        },
      ),
      { numRuns: 60 },
    );
  });
});
