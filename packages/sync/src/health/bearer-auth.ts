import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Compares secrets in constant time (hashing first makes the lengths equal and hides the length). */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** `missing` (no or malformed header: 401), `wrong` (403) or `ok`. */
export function checkBearer(request: Request, token: string): 'missing' | 'wrong' | 'ok' {
  const header = request.headers.get('authorization');
  const match = header === null ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) return 'missing';
  return secretsEqual(match[1] as string, token) ? 'ok' : 'wrong';
}
