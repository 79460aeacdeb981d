import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_TOKEN_LENGTH } from '@multidb/router';
import { parseCookie, stringifySetCookie } from 'cookie';
import { CONSISTENCY_HEADER } from './client/read-your-writes.js';
import { isWellFormedToken, newerToken } from './client/token-order.js';

/** Where a consistency token travels between requests: a request header in, a response header out. */
export const DEFAULT_TOKEN_HEADER = CONSISTENCY_HEADER;

/** What the middleware needs from the tRPC context to carry tokens across requests. */
export interface ConsistencyCarrier {
  /** The token the client sent back from its previous mutation (header or cookie), if any. */
  readonly consistencyToken?: string | undefined;
  /** Called after a successful mutation with the token the next request should send. */
  readonly setConsistencyToken?: ((token: string) => void) | undefined;
}

/** A carrier built from a request: both members present. */
export interface RequestConsistency extends ConsistencyCarrier {
  readonly consistencyToken: string | undefined;
  readonly setConsistencyToken: (token: string) => void;
}

export interface CookieTransport {
  readonly name: string;
  /** Seconds; a token is only useful while replicas may lag. Default 60. */
  readonly maxAgeSeconds?: number;
  /** Default true (browsers treat http://localhost as secure). */
  readonly secure?: boolean;
  /** Default `lax`. */
  readonly sameSite?: 'lax' | 'strict' | 'none';
  /** Default `/`. */
  readonly path?: string;
}

export interface TransportOptions {
  /** Request and response header; default `x-db-consistency`. */
  readonly header?: string;
  /** Also read the token from this cookie, and set it there (HttpOnly) after mutations. */
  readonly cookie?: string | CookieTransport;
}

/** Header access of any server: fetch `Headers`, Node's `IncomingMessage`/`ServerResponse`, ... */
export interface HeaderAccess {
  /** A request header (`null`/`undefined` when absent). */
  get(name: string): string | null | undefined;
  /** Sets a response header. */
  set(name: string, value: string): void;
  /** Adds a response header (several `set-cookie` lines). */
  append(name: string, value: string): void;
}

/**
 * The carrier for any server. The token is read as an opaque string: the router validates it and treats a
 * malformed or forged one as absent (counted). Values longer than a token can be are dropped here.
 * Several mutations of one batch share the response: a token older than the one already set is not written,
 * so the header (and the last cookie line) holds the newest.
 */
export function consistencyCarrier(
  headers: HeaderAccess,
  transport: TransportOptions = {},
): RequestConsistency {
  const header = transport.header ?? DEFAULT_TOKEN_HEADER;
  const cookie = typeof transport.cookie === 'string' ? { name: transport.cookie } : transport.cookie;
  const fromHeader = bounded(headers.get(header));
  const fromCookie = cookie === undefined ? undefined : readCookie(headers.get('cookie'), cookie.name);
  let issued: string | undefined;
  return {
    consistencyToken: fromHeader ?? fromCookie,
    setConsistencyToken: (token) => {
      // Only tokens this package can order are compared; anything else is passed on as before (the router's).
      if (isWellFormedToken(issued) && isWellFormedToken(token) && newerToken(issued, token) === issued)
        return;
      issued = token;
      headers.set(header, token);
      if (cookie !== undefined) headers.append('set-cookie', setCookie(cookie, token));
    },
  };
}

/** tRPC's fetch adapter passes `{ req, resHeaders }` to `createContext`. */
export function consistencyFromFetch(
  opts: { readonly req: Request; readonly resHeaders: Headers },
  transport: TransportOptions = {},
): RequestConsistency {
  return consistencyCarrier(
    {
      get: (name) => opts.req.headers.get(name),
      set: (name, value) => opts.resHeaders.set(name, value),
      append: (name, value) => opts.resHeaders.append(name, value),
    },
    transport,
  );
}

/** tRPC's Node adapters (standalone, Express, Next.js pages) pass `{ req, res }` to `createContext`. */
export function consistencyFromNode(
  opts: { readonly req: IncomingMessage; readonly res: ServerResponse },
  transport: TransportOptions = {},
): RequestConsistency {
  return consistencyCarrier(
    {
      get: (name) => {
        const value = opts.req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      },
      set: (name, value) => opts.res.setHeader(name, value),
      append: (name, value) => opts.res.appendHeader(name, value),
    },
    transport,
  );
}

function bounded(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  // Longer than any token: certainly forged. Keep a short prefix so the router still counts it as invalid.
  return value.length > MAX_TOKEN_LENGTH ? value.slice(0, MAX_TOKEN_LENGTH + 1) : value;
}

function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (header === null || header === undefined || header === '') return undefined;
  return bounded(parseCookie(header)[name]);
}

function setCookie(cookie: CookieTransport, token: string): string {
  return stringifySetCookie({
    name: cookie.name,
    value: token,
    maxAge: cookie.maxAgeSeconds ?? 60,
    path: cookie.path ?? '/',
    httpOnly: true,
    secure: cookie.secure ?? true,
    sameSite: cookie.sameSite ?? 'lax',
  });
}
