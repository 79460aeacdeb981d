import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_TOKEN_LENGTH } from '@multidb/router';
import { parseSetCookie } from 'cookie';
import { describe, expect, test } from 'vitest';
import {
  consistencyFromFetch,
  consistencyFromNode,
  DEFAULT_TOKEN_HEADER,
  type TransportOptions,
} from '../src/index.js';

const TOKEN = 'v1.00000000016f2a40';

function fromRequest(headers: Record<string, string>, transport?: TransportOptions) {
  const resHeaders = new Headers();
  const carrier = consistencyFromFetch(
    { req: new Request('http://app.test/trpc', { headers }), resHeaders },
    transport,
  );
  return { carrier, resHeaders };
}

describe('token from the request', () => {
  test('the header carries the token', () => {
    expect(fromRequest({ [DEFAULT_TOKEN_HEADER]: TOKEN }).carrier.consistencyToken).toBe(TOKEN);
    expect(fromRequest({}).carrier.consistencyToken).toBeUndefined();
    expect(fromRequest({ [DEFAULT_TOKEN_HEADER]: '' }).carrier.consistencyToken).toBeUndefined();
    expect(fromRequest({ 'x-token': TOKEN }, { header: 'x-token' }).carrier.consistencyToken).toBe(TOKEN);
  });

  test('the cookie is read only when configured, and the header wins over it', () => {
    const cookie = `session=abc; rw=${TOKEN}`;
    expect(fromRequest({ cookie }).carrier.consistencyToken).toBeUndefined();
    expect(fromRequest({ cookie }, { cookie: 'rw' }).carrier.consistencyToken).toBe(TOKEN);
    const both = fromRequest(
      { cookie: 'rw=v1.0000000000000001', [DEFAULT_TOKEN_HEADER]: TOKEN },
      { cookie: 'rw' },
    );
    expect(both.carrier.consistencyToken).toBe(TOKEN);
  });

  test('hostile cookie headers give an opaque string or nothing, never an exception', () => {
    const read = (cookie: string) => fromRequest({ cookie }, { cookie: 'rw' }).carrier.consistencyToken;
    // A repeated name: the first one counts (an injected later copy cannot override it).
    expect(read(`rw=${TOKEN}; rw=v1.ffffffffffffffff`)).toBe(TOKEN);
    // Bad percent-encoding is passed on raw; the router rejects it as a token.
    expect(read('rw=%E0%A4%A')).toBe('%E0%A4%A');
    expect(read(';;;===; =; rw')).toBeUndefined();
    expect(read(`rw=${'%'.repeat(3)}${'a'.repeat(100_000)}`)?.length).toBe(MAX_TOKEN_LENGTH + 1);
    expect(read('__proto__=polluted; constructor=x; rw=ok')).toBe('ok');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Quotes are kept (cookie v2): the router rejects the quoted string, so the read goes to the primary.
    expect(read(`rw="${TOKEN}"`)).toBe(`"${TOKEN}"`);
  });

  test('an oversized header is cut to just over a token, so it still counts as invalid', () => {
    const token = fromRequest({ [DEFAULT_TOKEN_HEADER]: 'v1.'.padEnd(10_000, '0') }).carrier.consistencyToken;
    expect(token?.length).toBe(MAX_TOKEN_LENGTH + 1);
  });
});

describe('token to the response', () => {
  test('the header is set; no cookie unless configured', () => {
    const { carrier, resHeaders } = fromRequest({});
    carrier.setConsistencyToken(TOKEN);
    expect(resHeaders.get(DEFAULT_TOKEN_HEADER)).toBe(TOKEN);
    expect(resHeaders.getSetCookie()).toEqual([]);
  });

  test('the cookie is HttpOnly, Secure, SameSite=Lax, short-lived by default', () => {
    const { carrier, resHeaders } = fromRequest({}, { cookie: 'rw' });
    carrier.setConsistencyToken(TOKEN);
    const [line] = resHeaders.getSetCookie();
    expect(parseSetCookie(line as string)).toEqual({
      name: 'rw',
      value: TOKEN,
      maxAge: 60,
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
    });
  });

  test('mutations of one batch share the response: the newest token wins, whatever order they finish in', () => {
    const { carrier, resHeaders } = fromRequest({}, { cookie: 'rw' });
    carrier.setConsistencyToken('v1.0000000000000200');
    carrier.setConsistencyToken('v1.0000000000000100');
    carrier.setConsistencyToken('v1.0000000000000200');
    expect(resHeaders.get(DEFAULT_TOKEN_HEADER)).toBe('v1.0000000000000200');
    carrier.setConsistencyToken('v1.0000000000000300');
    expect(resHeaders.get(DEFAULT_TOKEN_HEADER)).toBe('v1.0000000000000300');
    // One cookie line per newer token, in order: the browser keeps the last, the newest.
    const cookies = resHeaders.getSetCookie().map((line) => parseSetCookie(line).value);
    expect(cookies).toEqual(['v1.0000000000000200', 'v1.0000000000000300']);
  });

  test('cookie options apply, and a value cannot inject attributes', () => {
    const transport = {
      cookie: { name: 'rw', maxAgeSeconds: 5, secure: false, sameSite: 'strict' as const },
    };
    const { carrier, resHeaders } = fromRequest({}, transport);
    carrier.setConsistencyToken('x; Domain=evil.test; Max-Age=99999');
    const [line] = resHeaders.getSetCookie();
    expect(line).not.toContain('evil.test;');
    expect(parseSetCookie(line as string)).toMatchObject({ name: 'rw', maxAge: 5, sameSite: 'strict' });
    expect(parseSetCookie(line as string).domain).toBeUndefined();
    expect(line).not.toMatch(/Secure/i);
  });
});

describe('node http adapter', () => {
  test('reads the header and cookie of an IncomingMessage and sets them on the ServerResponse', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      const carrier = consistencyFromNode({ req, res }, { cookie: 'rw' });
      seen.push(carrier.consistencyToken);
      carrier.setConsistencyToken(TOKEN);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const first = await fetch(url, { headers: { cookie: 'rw=v1.0000000000000abc' } });
      const second = await fetch(url, { headers: { [DEFAULT_TOKEN_HEADER]: 'v1.0000000000000def' } });
      expect(seen).toEqual(['v1.0000000000000abc', 'v1.0000000000000def']);
      for (const response of [first, second]) {
        expect(response.headers.get(DEFAULT_TOKEN_HEADER)).toBe(TOKEN);
        expect(response.headers.getSetCookie()[0]).toMatch(new RegExp(`^rw=${TOKEN.replace('.', '\\.')};`));
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
