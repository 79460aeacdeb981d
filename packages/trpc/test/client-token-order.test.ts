import { decodeConsistencyToken, encodeConsistencyToken } from '@multidb/router';
import { describe, expect, test } from 'vitest';
import { isWellFormedToken, newerToken } from '../src/client/index.js';

const positions = [0n, 1n, 9n, 10n, 15n, 16n, 0x1830970n, 0xfffffffn, 0x100000000n, 0xa0000000_00000000n];
positions.push((1n << 64n) - 1n);

describe('token order (client side, no router import)', () => {
  test('agrees with the router: every token it issues is well-formed, and string order is WAL order', () => {
    for (const a of positions) {
      const ta = encodeConsistencyToken(a);
      expect(isWellFormedToken(ta), ta).toBe(true);
      expect(decodeConsistencyToken(ta)).toEqual({ type: 'position', position: a });
      for (const b of positions) {
        const tb = encodeConsistencyToken(b);
        expect(newerToken(ta, tb), `${ta} vs ${tb}`).toBe(a >= b ? ta : tb);
      }
    }
  });

  test('a malformed token never wins and is never kept', () => {
    const token = encodeConsistencyToken(0x1830970n);
    const malformed = [
      'v1.FFFFFFFFFFFFFFFF',
      'v1.ffffffffffffffff0',
      'v1.fffffffffffffff',
      'v2.ffffffffffffffff',
      ' v1.ffffffffffffffff',
      'v1.ffffffffffffffff\n',
      '',
      null,
      undefined,
    ];
    for (const bad of malformed) {
      expect(isWellFormedToken(bad), String(bad)).toBe(false);
      // The router agrees: none of them is a position.
      expect(decodeConsistencyToken(bad).type, String(bad)).not.toBe('position');
      expect(newerToken(token, bad)).toBe(token);
      expect(newerToken(undefined, bad)).toBeUndefined();
      expect(newerToken(bad ?? undefined, token)).toBe(token);
    }
  });
});
