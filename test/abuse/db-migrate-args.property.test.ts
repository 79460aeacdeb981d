import { runMigrateCli } from '@multidb/cli';
import { splitLayout } from '@multidb/example-app';
import { type ConnectionCounter, startConnectionCounter } from '@multidb/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `pnpm db:migrate` / `db:migrate:status` with random and hostile argv. The databases point at a local port that
// counts connection attempts and resets them: a rejected command line must not even connect.
const MARKER = 'Pw-Abuse-3b8d50';
const COMMANDS = ['all', 'primary', 'data', 'status'];
let counter: ConnectionCounter;
let env: Record<string, string>;

beforeAll(async () => {
  counter = await startConnectionCounter();
  env = {
    DATABASE_URL: counter.url('primary', `app:${MARKER}`),
    DATA_DATABASE_URL: counter.url('data', `app:${MARKER}`),
    SPLIT_DB_MODE: 'true',
  };
});
afterAll(() => counter?.close());

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runMigrateCli(argv, {
    env,
    layout: splitLayout,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

const hostile = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom(
    "'; DROP SCHEMA config CASCADE; --",
    `postgres://app:${MARKER}@127.0.0.1:1/x`,
    `--url=postgres://app:${MARKER}@h/db`,
    '\u0000',
    'ALL',
    'status ',
  ),
);
const switches = fc.constantFrom('--json', '--repair');

/** Valid-looking pieces plus at least one thing the grammar refuses. */
const invalidArgv = fc
  .tuple(
    fc.array(switches, { maxLength: 2 }),
    fc.oneof(
      // an unknown command, or two commands
      hostile.filter((h) => !COMMANDS.includes(h) && !h.startsWith('--')).map((h) => [h]),
      fc.tuple(fc.constantFrom(...COMMANDS), fc.constantFrom(...COMMANDS)).map(([a, b]) => [a, b]),
      // an unknown flag next to a valid command
      fc
        .tuple(
          fc.constantFrom(...COMMANDS),
          hostile.map((h) => `--${h}`),
        )
        .filter(([, f]) => !['--json', '--repair', '--help'].includes(f))
        .map(([c, f]) => [c, f]),
      // no command at all, or --repair with status
      fc.constant([] as string[]),
      fc.constant(['status', '--repair']),
    ),
  )
  .map(([flags, rest]) => [...flags, ...rest]);

describe('db:migrate argv (property)', () => {
  it('a rejected command line exits 2, connects to nothing, prints no password', async () => {
    await fc.assert(
      fc.asyncProperty(invalidArgv, async (argv) => {
        const before = counter.attempts;
        const { code, out, err } = await run(argv);
        expect(code).toBe(2);
        expect(counter.attempts).toBe(before);
        expect(out + err).not.toContain(MARKER);
        if (argv.includes('--json'))
          expect(JSON.parse(out)).toMatchObject({ ok: false, error: { type: 'InvalidArguments' } });
      }),
      { numRuns: 300 },
    );
  });

  it('any command line: an exit code, never a crash, never a password in the output', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          invalidArgv,
          fc
            .tuple(fc.constantFrom(...COMMANDS), fc.array(switches, { maxLength: 2 }))
            .map(([c, s]) => [c, ...s]),
        ),
        async (argv) => {
          const { code, out, err } = await run(argv);
          expect([1, 2]).toContain(code);
          expect(out + err).not.toContain(MARKER);
        },
      ),
      { numRuns: 80 },
    );
  });
});
