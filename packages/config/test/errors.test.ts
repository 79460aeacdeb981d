import { describe, expect, expectTypeOf, it } from 'vitest';
import { connect, isMultiDbError, MultiDbError, type MultiDbErrorCode } from '../src/index.js';

describe('isMultiDbError', () => {
  it('recognises a thrown MultiDbError, by code when one is given, and narrows the code', async () => {
    const error = await connect('mysql://root:hunter2@h/db').catch((e: unknown) => e);
    expect(isMultiDbError(error)).toBe(true);
    expect(isMultiDbError(error, 'InvalidUrl')).toBe(true);
    expect(isMultiDbError(error, 'DriverMissing')).toBe(false);
    if (isMultiDbError(error, 'InvalidUrl')) expectTypeOf(error.code).toEqualTypeOf<'InvalidUrl'>();
    if (isMultiDbError(error)) expectTypeOf(error.code).toEqualTypeOf<MultiDbErrorCode>();
  });

  it('is false for other errors, including one that only looks like a MultiDbError', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'MultiDbError', code: 'InvalidUrl' });
    for (const other of [
      lookalike,
      new TypeError('x'),
      'InvalidUrl',
      { code: 'InvalidUrl' },
      null,
      undefined,
    ])
      expect(isMultiDbError(other)).toBe(false);
  });

  it('accepts only known codes', () => {
    // @ts-expect-error not a code of the toolkit
    expect(isMultiDbError(new MultiDbError('InvalidUrl', 'x'), 'NoSuchCode')).toBe(false);
    // @ts-expect-error not a code of the toolkit
    expect(new MultiDbError('NoSuchCode', 'x').code).toBe('NoSuchCode');
  });
});
