import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDbRouter,
  decodeConsistencyToken,
  encodeConsistencyToken,
  MAX_TOKEN_LENGTH,
} from '../src/index.js';
import { servedBy, useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

const VALID = /^v1\.[0-9a-f]{16}$/;
const MAX_POSITION = 2n ** 64n - 1n;

/** Anything a header, cookie or job payload could carry, biased towards almost-valid tokens. */
const hostileToken = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^v[0-9]\.[0-9a-fA-F]{0,20}$/),
  fc
    .tuple(fc.bigInt({ min: 0n, max: MAX_POSITION }), fc.string({ maxLength: 12 }))
    .map(([position, suffix]) => `${encodeConsistencyToken(position)}${suffix}`),
  fc.constantFrom(
    "v1.0'; DROP TABLE users; --",
    'v1.00000000000000\u0000',
    `v1.${'f'.repeat(5000)}`,
    ' v1.0000000000000001',
  ),
  fc.anything(),
);

describe('consistency tokens with random and hostile input (property)', () => {
  it('decoding never throws; only the exact v1 form is a position, everything else is invalid or none', () => {
    fc.assert(
      fc.property(hostileToken, (token) => {
        const decoded = decodeConsistencyToken(token);
        if (typeof token === 'string' && VALID.test(token)) {
          expect(decoded).toEqual({ type: 'position', position: BigInt(`0x${token.slice(3)}`) });
        } else if (token === undefined || token === null || token === '') {
          expect(decoded).toEqual({ type: 'none' });
        } else {
          expect(decoded).toEqual({ type: 'invalid' });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('every WAL position round-trips through a fixed-length, header-safe token; out of range is a RangeError', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_POSITION }), (position) => {
        const token = encodeConsistencyToken(position);
        expect(token).toMatch(VALID);
        expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
        expect(decodeConsistencyToken(token)).toEqual({ type: 'position', position });
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ max: -1n }), fc.bigInt({ min: MAX_POSITION + 1n })), (position) => {
        expect(() => encodeConsistencyToken(position)).toThrow(RangeError);
      }),
    );
  });
});

describe('hostile tokens through a router (property)', () => {
  const suite = useInMemoryCluster(['replica']);

  it('never an error, never in SQL, nothing written; an untrusted token is routed as if there were none', async () => {
    const { cluster } = suite;
    const router = suite.track(
      createDbRouter<TestSchema>({
        primary: cluster.primary,
        replicas: [cluster.spec('replica')],
        health: { background: false },
      }),
    );
    await router.getClient('write').insert(users).values({ email: 'kept@x', name: 'Kept' });
    await cluster.replica('replica').catchUp();
    await router.checkHealth();
    cluster.executed.length = 0;
    const usersBefore = await cluster.primary.db.select().from(users);
    await fc.assert(
      fc.asyncProperty(hostileToken, async (token) => {
        const text = token as string;
        const served = [
          await servedBy(router.getClient('read', { token: text })),
          await router.withConsistency(text, () => servedBy(router.getClient('analytics'))),
        ];
        const decoded = decodeConsistencyToken(token);
        // A token that cannot be ours (malformed, or ahead of the primary) is routed as if there were none: the
        // caught-up replica serves it, and the client cannot push its reads onto the primary.
        if (decoded.type === 'invalid') expect(served).toEqual(['replica', 'replica']);
        expect(router.route('read', { token: text })).toMatch(/^(primary|replica)$/);
        // Long enough not to be a piece of SQL by chance.
        if (typeof token === 'string' && token.trim().length >= 10)
          expect(cluster.executed.some((q) => q.includes(token))).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(usersBefore).toHaveLength(1);
    expect(await cluster.primary.db.select().from(users)).toEqual(usersBefore);
    expect(router.getMetrics().consistency.invalidTokens).toBeGreaterThan(0);
    expect(router.getMetrics().routed.write.primary).toBe(1);
  });
});
