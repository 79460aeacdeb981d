import { describe, expect, test } from 'vitest';
import { decodeConsistencyToken, encodeConsistencyToken, MAX_TOKEN_LENGTH } from '../src/index.js';

describe('consistency tokens', () => {
  test('round-trip a WAL position; header- and cookie-safe', () => {
    const token = encodeConsistencyToken(0x16_b374d848n);
    expect(token).toBe('v1.00000016b374d848');
    expect(token).toMatch(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/);
    expect(decodeConsistencyToken(token)).toEqual({ type: 'position', position: 0x16_b374d848n });
  });

  test('no token is no constraint', () => {
    expect(decodeConsistencyToken(undefined)).toEqual({ type: 'none' });
    expect(decodeConsistencyToken('')).toEqual({ type: 'none' });
    expect(decodeConsistencyToken(null)).toEqual({ type: 'none' });
  });

  test.each([
    ['garbage', 'hello'],
    ['an LSN in text form', '16/B374D848'],
    ['upper-case hex', 'v1.00000016B374D848'],
    ['another version', 'v2.00000016b374d848'],
    ['short', 'v1.16b374d848'],
    ['surrounding space', ' v1.00000016b374d848'],
    ['trailing newline', 'v1.00000016b374d848\n'],
    ['SQL injection', "v1.0'; DROP TABLE users; --"],
    ['injection after a valid prefix', "v1.00000016b374d848' OR '1'='1"],
    ['huge', `v1.${'f'.repeat(100_000)}`],
    ['unicode digits', 'v1.００００００１６b374d848'],
    ['a number', 42],
    ['an object', { position: '1' }],
  ])('%s is invalid (never an error)', (_label, token) => {
    expect(decodeConsistencyToken(token)).toEqual({ type: 'invalid' });
  });

  test('a forged far-future position is well-formed (routing finds it ahead of the primary and ignores it)', () => {
    expect(decodeConsistencyToken('v1.ffffffffffffffff')).toEqual({
      type: 'position',
      position: 2n ** 64n - 1n,
    });
  });

  test('length is bounded before any parsing', () => {
    expect(MAX_TOKEN_LENGTH).toBeLessThanOrEqual(64);
    expect(() => encodeConsistencyToken(-1n)).toThrow(RangeError);
    expect(() => encodeConsistencyToken(2n ** 64n)).toThrow(RangeError);
  });
});
