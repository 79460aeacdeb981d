import { describe, expect, it } from 'vitest';
import { describeError, MultiDbError, redactSecrets, redactText, redactUrl } from '../src/index.js';

describe('redaction', () => {
  it('hides the password and keeps what tells nodes apart', () => {
    expect(redactUrl('postgres://app:hunter2@db.example:6543/main?sslmode=require')).toBe(
      'postgres://app:***@db.example:6543/main?sslmode=require',
    );
    expect(redactUrl('postgresql://app@localhost/db')).toBe('postgresql://app@localhost/db');
    expect(redactUrl('postgres://localhost/db?password=hunter2&x=1')).toBe(
      'postgres://localhost/db?password=***&x=1',
    );
    expect(redactUrl('pglite:./.data/primary')).toBe('pglite:./.data/primary');
  });

  it('redacts every URL inside a longer text, whatever the scheme', () => {
    const text = 'failed: postgres://a:p1@h1/db then mysql://b:p2@h2 and postgresql://c:p%40ss@h3:5/x';
    const out = redactText(text);
    for (const secret of ['p1', 'p2', 'p%40ss']) expect(out).not.toContain(`:${secret}@`);
  });

  it('redacts known secrets verbatim', () => {
    expect(redactSecrets('token abcdef leaked', ['abcdef'])).toBe('token *** leaked');
  });

  it('keeps credentials out of thrown errors and their context', () => {
    const error = new MultiDbError('ConnectFailed', 'cannot reach postgres://u:topsecret@h/db', {
      url: 'postgres://u:topsecret@h/db',
    });
    expect(error.code).toBe('ConnectFailed');
    expect(error.message).not.toContain('topsecret');
    expect(JSON.stringify(error.context)).not.toContain('topsecret');
    const wrapped = new Error('query failed', {
      cause: new Error('auth for postgres://u:topsecret@h failed'),
    });
    expect(describeError(wrapped)).not.toContain('topsecret');
  });
});

describe('redaction of awkward URLs', () => {
  it.each([
    ['postgres://u:p@ss@h/db', 'postgres://u:***@h/db'],
    ['://u:secretpw@', '://u:***@'],
    ['see postgres://u:a/b@h:5432/x now', 'see postgres://u:***@h:5432/x now'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

it('redacts each URL of a JSON document on its own', () => {
  const json = JSON.stringify({ a: 'postgres://u:one@h1/db', b: 'postgres://v:two@h2/db' });
  expect(JSON.parse(redactText(json))).toEqual({ a: 'postgres://u:***@h1/db', b: 'postgres://v:***@h2/db' });
});

it('masks password settings written outside a URL', () => {
  for (const text of [
    '(password=secret1)',
    'password: secret1 failed',
    "conninfo password='secret1' host=h",
  ]) {
    expect(redactText(text)).not.toContain('secret1');
  }
});
