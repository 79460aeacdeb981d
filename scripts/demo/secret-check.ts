import { type Claim, claim } from './claims.js';

// `scheme://user:password@` with a real password (redaction leaves `:***@`).
const CREDENTIALS_IN_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:'"]+:(?!\*\*\*@)[^\s/@'"]+@/i;

/**
 * The claim that nothing the demo printed holds a secret: none of the known secrets (database password,
 * health token) verbatim, and no connection string with a password in it.
 */
export function noSecretClaim(output: string, secrets: readonly string[]): Claim {
  const leaked = secrets.filter((s) => s.length > 0 && output.includes(s)).length;
  const urlWithPassword = CREDENTIALS_IN_URL.test(output);
  return claim(
    'no-secret-in-output',
    'no password, token secret or connection string with credentials was printed',
    leaked === 0 && !urlWithPassword,
    `${secrets.length} secret(s) checked, ${leaked} found; connection string with a password: ${urlWithPassword ? 'found' : 'none'}`,
  );
}
