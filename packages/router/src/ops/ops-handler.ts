import { randomBytes } from 'node:crypto';
import { OPS_COOKIE, opsGuard, tokenMatches } from './ops-auth.js';
import { renderPage, renderSections } from './ops-page.js';
import { OpsHistory, type OpsSources, readOpsState } from './ops-state.js';

export interface OpsHandlerOptions extends OpsSources {
  /** Bearer token (at least 16 characters): `Authorization: Bearer <token>`, or open the page once with `?token=`. */
  readonly token: string;
  /** Page title; default `multidb ops`. */
  readonly title?: string;
  /** How often the page polls and the history takes a sample, ms; default 1000. */
  readonly pollMs?: number;
  /** Samples kept for the live history; default 120 (two minutes at the default poll). */
  readonly historySize?: number;
  readonly now?: () => number;
}

const SESSION_SECONDS = 12 * 60 * 60;

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
} as const;

const csp = (nonce: string) =>
  [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * A fetch-style ops page (`(Request) => Promise<Response>`, mount it at any path): one server-rendered HTML page
 * with the nodes (health, lag against the limits, latency), a live history chart, routing per intent, the backup
 * queues and replication, and the last drift check. The page polls `?state=1` (JSON: the state and each section's
 * HTML) and swaps the sections in; everything is inline under a strict Content-Security-Policy, nothing is loaded
 * from anywhere. Behind the health handler's bearer token: without it, `401` and nothing else. A browser opens
 * `<mount>?token=<token>` once and is redirected to `<mount>` with an HttpOnly, SameSite=Strict session cookie.
 * No connection string, password or query text is ever shown: node URLs are left out, errors have URLs removed.
 */
export function createOpsHandler(options: OpsHandlerOptions): (req: Request) => Promise<Response> {
  const check = opsGuard(options.token);
  const pollMs = Math.max(100, options.pollMs ?? 1000);
  const history = new OpsHistory(Math.max(2, options.historySize ?? 120), pollMs);
  const now = options.now ?? Date.now;
  const title = options.title ?? 'multidb ops';

  return async (req) => {
    const url = new URL(req.url);
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!tokenMatches(check, offered)) return unauthorized();
      url.searchParams.delete('token');
      const secure = url.protocol === 'https:' ? '; Secure' : '';
      const path = url.pathname.replace(/[^\w/.~-]/g, '') || '/';
      return new Response(null, {
        status: 303,
        headers: {
          ...SECURITY_HEADERS,
          location: `${url.pathname}${url.search}`,
          'set-cookie': `${OPS_COOKIE}=${encodeURIComponent(offered)}; Path=${path}; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
        },
      });
    }
    if (check(req) !== 'granted') return unauthorized();
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return new Response(null, { status: 405, headers: { ...SECURITY_HEADERS, allow: 'GET, HEAD' } });
    let state: ReturnType<typeof readOpsState>;
    try {
      state = readOpsState(options, history, now());
    } catch {
      // e.g. a lazy router whose configuration is invalid: no detail, which could hold anything
      return new Response('unavailable\n', {
        status: 503,
        headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    const head = req.method === 'HEAD';
    if (url.searchParams.has('state')) {
      const body = JSON.stringify({ state, sections: renderSections(state) });
      return new Response(head ? null : body, {
        headers: {
          ...SECURITY_HEADERS,
          'content-type': 'application/json; charset=utf-8',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        },
      });
    }
    const nonce = randomBytes(16).toString('base64');
    return new Response(head ? null : renderPage(state, { title, nonce, pollMs }), {
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp(nonce),
      },
    });
  };
}

function unauthorized(): Response {
  return new Response('unauthorized\n', {
    status: 401,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/plain; charset=utf-8',
      'www-authenticate': 'Bearer error="invalid_token"',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    },
  });
}
