import { createHash, timingSafeEqual } from 'node:crypto';
import { MultiDbError, type MultiDbErrorCode } from './errors.js';

/** `missing`: no `Authorization` header; `wrong`: a header that is not `Bearer <the token>`; `ok`. */
export type BearerCheck = 'missing' | 'wrong' | 'ok';

/** The token of an operator endpoint, checked in constant time. */
export interface BearerToken {
  check(authorization: string | null): BearerCheck;
}

/** Shorter tokens are refused at construction: they can be guessed. */
export const MIN_BEARER_TOKEN_LENGTH = 16;

/** `WWW-Authenticate` of a 401 (RFC 6750 §3: no error code when nothing was sent, `invalid_token` otherwise). */
export function bearerChallenge(check: Exclude<BearerCheck, 'ok'>): string {
  return check === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
}

/** Hashing first gives equal-length buffers, so the comparison time does not depend on the token's length. */
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The check both health handlers (router, sync) use: missing and wrong are both answered 401 with
 * {@link bearerChallenge}. `code` is the error a too-short or non-string token is refused with.
 */
export function bearerToken(token: string, code: MultiDbErrorCode = 'InvalidOptions'): BearerToken {
  if (typeof token !== 'string' || token.length < MIN_BEARER_TOKEN_LENGTH)
    throw new MultiDbError(
      code,
      `the health token must be a string of at least ${MIN_BEARER_TOKEN_LENGTH} characters`,
    );
  const expected = digest(token);
  return {
    check(authorization) {
      if (authorization === null) return 'missing';
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
      if (match === null) return 'wrong';
      return timingSafeEqual(digest(match[1] as string), expected) ? 'ok' : 'wrong';
    },
  };
}
