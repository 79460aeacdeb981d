/**
 * Consistency tokens as the client sees them: `v1.` + 16 lower-case hex digits of a primary WAL position (the
 * format `@multidb/router` issues). Fixed length and one alphabet, so comparing the strings compares the
 * positions: no BigInt, no parsing, the same in a browser, React Native and Node.
 */
const TOKEN_PATTERN = /^v1\.[0-9a-f]{16}$/;

/** True for a token this client can order; anything else (forged, truncated, another version) is ignored. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_PATTERN.test(token);
}

/**
 * The newer of two tokens (the one standing for the later write); a malformed candidate never wins, and a
 * malformed current token loses to any well-formed one.
 */
export function newerToken(
  current: string | undefined,
  candidate: string | null | undefined,
): string | undefined {
  if (!isWellFormedToken(candidate)) return isWellFormedToken(current) ? current : undefined;
  if (!isWellFormedToken(current)) return candidate;
  return candidate > current ? candidate : current;
}
