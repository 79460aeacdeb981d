/**
 * Consistency tokens: an opaque, versioned string carrying a primary WAL position (an LSN as a 64-bit number).
 * `v1.` + 16 lower-case hex digits: safe in a header, a cookie or a job payload, fixed length, and never
 * interpolated into SQL (positions are compared in JS as bigints).
 */
const TOKEN_PATTERN = /^v1\.[0-9a-f]{16}$/;
const MAX_POSITION = (1n << 64n) - 1n;
/** Longest string worth looking at; anything longer is rejected before any parsing. */
export const MAX_TOKEN_LENGTH = 64;
/** Required position that no replica can reach: the read goes to the primary. */
export const PRIMARY_ONLY: bigint = 1n << 64n;

export type DecodedToken =
  | { readonly type: 'none' }
  | { readonly type: 'position'; readonly position: bigint }
  | { readonly type: 'invalid' };

const NONE: DecodedToken = Object.freeze({ type: 'none' });
const INVALID: DecodedToken = Object.freeze({ type: 'invalid' });

export function encodeConsistencyToken(position: bigint): string {
  if (position < 0n || position > MAX_POSITION) throw new RangeError('WAL position out of range');
  return `v1.${position.toString(16).padStart(16, '0')}`;
}

/** Never throws: anything that is not exactly a v1 token is `invalid` (and reads from the primary). */
export function decodeConsistencyToken(token: unknown): DecodedToken {
  if (token === undefined || token === null || token === '') return NONE;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !TOKEN_PATTERN.test(token)) {
    return INVALID;
  }
  return { type: 'position', position: BigInt(`0x${token.slice(3)}`) };
}

/**
 * The position a read must see; `undefined` for none, and for a token that cannot be ours (malformed): routed as
 * if there were none, so a client cannot move its reads onto the primary by sending garbage (it is counted in
 * `consistency.invalidTokens`).
 */
export function requiredPosition(decoded: DecodedToken): bigint | undefined {
  return decoded.type === 'position' ? decoded.position : undefined;
}
