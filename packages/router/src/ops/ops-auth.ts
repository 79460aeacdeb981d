import { bearerToken } from '@multidb/config';

/** The session cookie a browser gets after opening the page with `?token=…` (HttpOnly, SameSite=Strict). */
export const OPS_COOKIE = 'multidb_ops';

export type OpsAccess = 'granted' | 'denied';

/**
 * The ops page's bearer check, the one every health handler uses (`bearerToken` of @multidb/config):
 * `Authorization: Bearer <token>`, or the session cookie holding the same token (a browser cannot send the
 * header on a navigation).
 */
export function opsGuard(token: string): (req: Request) => OpsAccess {
  const expected = bearerToken(token, 'InvalidHealthConfig');
  return (req) => {
    const header = req.headers.get('authorization');
    const cookie = cookieValue(req.headers.get('cookie'), OPS_COOKIE);
    const presented = header ?? (cookie === undefined ? null : `Bearer ${cookie}`);
    return expected.check(presented) === 'ok' ? 'granted' : 'denied';
  };
}

/** Checks a token given in the URL (`?token=`), once, before it is exchanged for the cookie. */
export function tokenMatches(check: (req: Request) => OpsAccess, candidate: string): boolean {
  return (
    check(new Request('http://ops.invalid/', { headers: { authorization: `Bearer ${candidate}` } })) ===
    'granted'
  );
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
