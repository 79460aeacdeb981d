import { type AnyPgDatabase, isMultiDbError } from '@multidb/config';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDualWriter, OutboxDrainer, withBackup } from '../src/index.js';
import { formatValue, settleWriterOptions } from '../src/options/settle-options.js';

// Options are settled once, at construction, before anything is opened or written: a bad value is refused with
// `InvalidOptions`, naming the option and the value. The databases here are traps that record any use at all.

function trap(touched: string[]): AnyPgDatabase {
  return new Proxy({} as AnyPgDatabase, {
    get(_, key) {
      touched.push(String(key));
      return undefined;
    },
  });
}

const notNumber = fc.oneof(
  fc.constantFrom<unknown>('10', '', null, true, {}, [], 10n),
  fc.stringMatching(/^[a-z]{1,8}$/),
);
const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
const negative = fc.double({ max: -Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true });
const fraction = fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n));
/** Invalid for a whole number >= min. */
const badWhole = (min: number) =>
  fc.oneof(notNumber, nonFinite, negative, fraction, fc.integer({ min: -1000, max: min - 1 }));
/** Invalid for a number of ms >= 0 (or > 0). */
const badMs = (positive = false) =>
  fc.oneof(notNumber, nonFinite, negative, ...(positive ? [fc.constant(0)] : []));

const writerCases: Record<string, fc.Arbitrary<unknown>> = {
  maxDepth: badWhole(1),
  batchSize: badWhole(1),
  maxOverflowKeys: badWhole(1),
  maxDeadLetters: badWhole(0),
  statementTimeoutMs: badWhole(0),
  lingerMs: badMs(),
  applyTimeoutMs: badMs(),
  maxOrderWaitMs: badMs(),
  depthRefreshMs: badMs(),
  mode: fc.oneof(notNumber, fc.constantFrom('Memory', 'DURABLE', 'disk')),
  deadLetterTable: fc.constantFrom<unknown>('true', 1, 0, null),
  retryJitter: fc.oneof(notNumber, nonFinite, negative, fc.double({ min: 1.0001, max: 1e6, noNaN: true })),
};
const drainerCases: Record<string, fc.Arbitrary<unknown>> = {
  batchSize: badWhole(1),
  pollIntervalMs: badMs(true),
  lingerMs: badMs(),
  depthRefreshMs: badMs(),
  statementTimeoutMs: badWhole(0),
  applyTimeoutMs: badMs(),
  retryJitter: fc.oneof(notNumber, negative, fc.constant(1.5)),
};

/** One invalid option (possibly nested, e.g. `retryDelaysMs[1]`), its name and the bad value. */
const invalidWriterOption = fc.oneof(
  ...Object.entries(writerCases).map(([name, bad]) =>
    bad.map((value) => ({ name, value, options: { [name]: value } as Record<string, unknown> })),
  ),
  fc
    .tuple(fc.array(fc.nat(5000), { maxLength: 3 }), badMs(), fc.array(fc.nat(5000), { maxLength: 3 }))
    .map(([before, value, after]) => ({
      name: `retryDelaysMs[${before.length}]`,
      value,
      options: { retryDelaysMs: [...before, value, ...after] },
    })),
  ...Object.entries(drainerCases).map(([name, bad]) =>
    bad.map((value) => ({
      name: `drainer.${name}`,
      value,
      options: { mode: 'durable', drainer: { [name]: value } } as Record<string, unknown>,
    })),
  ),
);

/** Valid values for the other options, so the bad one is never hidden by a default. */
const validWriterOptions = fc.record(
  {
    maxDepth: fc.integer({ min: 1, max: 100_000 }),
    batchSize: fc.integer({ min: 1, max: 5000 }),
    lingerMs: fc.double({ min: 0, max: 1000, noNaN: true }),
    retryDelaysMs: fc.array(fc.nat(10_000), { maxLength: 5 }),
    maxDeadLetters: fc.nat(10_000),
    applyTimeoutMs: fc.nat(60_000),
  },
  { requiredKeys: [] },
);

function refusal(run: () => unknown): { code: string; message: string } | undefined {
  try {
    run();
  } catch (error) {
    if (isMultiDbError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe('dual-write options are settled at construction', () => {
  it('any invalid value is refused as InvalidOptions naming the option and the value, before anything is used', () => {
    fc.assert(
      fc.property(validWriterOptions, invalidWriterOption, (valid, bad) => {
        const touched: string[] = [];
        const options = {
          ...valid,
          ...(bad.options as object),
          backup: trap(touched),
          primary: trap(touched),
        };
        for (const run of [
          () => createDualWriter(options as never),
          () => withBackup(trap(touched), { ...options, enabled: true } as never),
        ]) {
          const refused = refusal(run);
          expect(refused?.code).toBe('InvalidOptions');
          expect(refused?.message).toContain(`${bad.name} must be`);
          expect(refused?.message).toContain(`got ${formatValue(bad.value)}`);
        }
        expect(touched).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('an outbox drainer built on its own settles its options the same way', () => {
    fc.assert(
      fc.property(
        fc.oneof(...Object.entries(drainerCases).map(([name, bad]) => bad.map((value) => ({ name, value })))),
        ({ name, value }) => {
          const touched: string[] = [];
          const refused = refusal(
            () =>
              new OutboxDrainer({
                primary: trap(touched),
                backup: trap(touched),
                tables: [],
                [name]: value,
              } as never),
          );
          expect(refused?.code).toBe('InvalidOptions');
          expect(refused?.message).toContain(`${name} must be`);
          expect(refused?.message).toContain(`got ${formatValue(value)}`);
          expect(touched).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a logger or clock of the wrong shape is refused too', () => {
    const logger = refusal(() => createDualWriter({ backup: trap([]), logger: { warn() {} } } as never));
    expect(logger?.message).toContain('logger.error must be a function, got undefined');
    const clock = refusal(() => createDualWriter({ backup: trap([]), clock: () => 0 } as never));
    expect(clock?.message).toContain('clock must be an object { now?, sleep? }, got a function');
    expect(refusal(() => settleWriterOptions({ logger: console, clock: { now: () => 1 } }))).toBeUndefined();
  });

  it('every problem is reported at once; a disabled backup still refuses bad options', () => {
    const refused = refusal(() =>
      withBackup(trap([]), { backup: trap([]), enabled: false, batchSize: 0, maxDepth: -1 } as never),
    );
    expect(refused?.code).toBe('InvalidOptions');
    expect(refused?.message).toContain('batchSize must be a whole number >= 1, got 0');
    expect(refused?.message).toContain('maxDepth must be a whole number >= 1, got -1');
  });

  it('valid values are kept and the rest defaulted, frozen', () => {
    fc.assert(
      fc.property(validWriterOptions, (valid) => {
        const settled = settleWriterOptions(valid);
        expect(settled).toMatchObject(valid);
        expect(Object.isFrozen(settled)).toBe(true);
      }),
    );
    expect(settleWriterOptions({})).toMatchObject({
      mode: 'memory',
      maxDepth: 10_000,
      batchSize: 500,
      lingerMs: 5,
      retryDelaysMs: [100, 500, 2000],
      maxOrderWaitMs: 30_000,
      maxDeadLetters: 1000,
      maxOverflowKeys: 100_000,
      drainer: true,
    });
  });
});
