import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactText, redactUrls } from '../src/index.js';

// No secret survives, whatever it is and whichever way it is written: URL user-info, libpq conninfo (quoted or
// not), URL query parameters, JSON, YAML-ish settings, environment-style names, HTTP authorization.

const secret = fc
  .string({ minLength: 8, maxLength: 40, unit: 'grapheme-ascii' })
  .filter((s) => /[A-Za-z0-9]{3}/.test(s));
const token68 = fc.stringMatching(/^[A-Za-z0-9\-._~+/]{12,40}=*$/);
const key = fc.constantFrom(
  'password',
  'PASSWORD',
  'sslpassword',
  'PGPASSWORD',
  'db_password',
  'passwd',
  'pwd',
  'pass',
);

/** libpq conninfo quoting: '…' with backslash and quote escaped. */
const conninfoQuoted = (value: string) => `'${value.replace(/['\\]/g, '\\$&')}'`;

const formats: readonly ((s: string, k: string) => string)[] = [
  (s) => `could not connect to postgres://app:${encodeURIComponent(s)}@db.internal:5432/main (timeout)`,
  (s) => `url=postgresql://app:${encodeURIComponent(s)}@h1,h2/main?sslmode=require`,
  (s, k) => `host=db.internal ${k}=${conninfoQuoted(s)} dbname=main`,
  (s, k) => `host=db.internal ${k} = ${conninfoQuoted(s)}`,
  (s, k) => `postgres://app@db/main?sslmode=require&${k}=${encodeURIComponent(s)}&application_name=x`,
  (s, k) => JSON.stringify({ host: 'db.internal', [k]: s, port: 5432 }),
  (s, k) => `config: {"${k}": ${JSON.stringify(s)}}`,
  (s, k) => `${k}: ${s.replace(/\s/g, '_')}`,
];

const leaked = (out: string, value: string) =>
  [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), conninfoQuoted(value).slice(1, -1)]
    .filter((form) => form.length >= 8)
    .some((form) => out.includes(form));

describe('redactText', () => {
  it('hides any password in every format', () => {
    fc.assert(
      fc.property(secret, key, fc.nat(formats.length - 1), (value, k, which) => {
        const format = formats[which] as (s: string, k: string) => string;
        const shown = format(which === 7 ? value.replace(/\s/g, '_') : value, k);
        const bare = format('', k);
        fc.pre(!bare.includes(value));
        const out = redactText(shown);
        expect(leaked(out, which === 7 ? value.replace(/\s/g, '_') : value), `${shown} -> ${out}`).toBe(
          false,
        );
        expect(leaked(redactUrls(shown), value.replace(/\s/g, '_'))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('hides bearer and basic authorization values', () => {
    fc.assert(
      fc.property(token68, fc.constantFrom('Bearer', 'bearer', 'Basic'), (value, scheme) => {
        const out = redactText(
          `request failed: {"authorization":"${scheme} ${value}"} (Authorization: ${scheme} ${value})`,
        );
        expect(out).not.toContain(value);
      }),
    );
  });

  it('keeps JSON valid and what tells nodes apart', () => {
    const json = JSON.stringify({ password: 'a"b\\c', url: 'postgres://u:p@h/db' });
    expect(JSON.parse(redactText(json))).toEqual({ password: '***', url: 'postgres://u:***@h/db' });
    expect(redactText("conninfo password='it\\'s' host=h")).toBe("conninfo password='***' host=h");
    expect(redactText('(password=secret1).')).toBe('(password=***).');
    expect(redactUrls('down: postgres://u:p@db.internal/x')).toBe('down: [url]');
  });
});
