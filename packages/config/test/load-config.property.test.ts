import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseDatabaseUrl, redactText } from '../src/index.js';

const MARKER = 'Pw-9f3a61c2';
const VARIABLES = [
  'SUPABASE_DATABASE_URL',
  'PRIMARY_DATABASE_URL',
  'DATABASE_URL',
  'DATA_DATABASE_URL',
  'SPLIT_DB_MODE',
  'DATABASE_READ_REPLICA_1_URL',
  'DATABASE_READ_REPLICA_DR_URL',
  'DATABASE_READ_REPLICA_X_URL',
  'DATABASE_READ_REPLICA_X_INTENTS',
  'DATABASE_READ_REPLICA_X_WEIGHT',
  'BACKUP_DATABASE_URL',
  'REPLIT_DATABASE_URL',
  'BACKUP_DB_ENABLED',
  'LOG_DB_QUERIES',
];

/** Hostile values: random text, URL-shaped text with the marker as password, control characters, huge strings. */
const hostileValue = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc
    .tuple(
      fc.constantFrom('postgres', 'postgresql', 'mysql', 'http', 'pglite', ''),
      fc.string({ maxLength: 20 }),
    )
    .map(([scheme, rest]) => `${scheme}://user:${MARKER}@${rest}`),
  fc.constantFrom(
    'true',
    'FALSE',
    'yes',
    '1',
    '',
    ' ',
    '\u0000',
    "'; drop table x; --",
    'pglite:',
    'pglite:memory',
  ),
  fc.string({ minLength: 5000, maxLength: 20000 }),
);

describe('loadConfig with random and hostile input (property)', () => {
  it('never throws, always returns ok or a typed error naming known variables, and never echoes a password', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...VARIABLES), hostileValue), (env) => {
        const result = loadConfig({}, env);
        const serialised = JSON.stringify(result.isOk() ? result.value : result.error);
        expect(serialised).not.toContain(MARKER);
        if (result.isErr()) {
          expect(result.error.type).toBe('InvalidConfig');
          expect(result.error.issues.length).toBeGreaterThan(0);
          for (const issue of result.error.issues) expect(VARIABLES).toContain(issue.variable);
        } else {
          expect(Object.isFrozen(result.value)).toBe(true);
          expect(parseDatabaseUrl(result.value.primaryUrl).isOk()).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('redactText removes the password of any URL with credentials', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true }),
        fc.stringMatching(/^[A-Za-z0-9_.~-]{3,30}$/),
        (url, password) => {
          const withCredentials = url.replace('://', `://someone:${password}@`);
          expect(redactText(`failed to reach ${withCredentials} after 3 tries`)).not.toContain(
            `:${password}@`,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
