import { ConsistencyLinkError } from './consistency-link-error.js';
import { type ConsistencyTokenStore, createConsistencyTokenStore } from './token-store.js';

/** The request header and response header the server's middleware uses (`DEFAULT_TOKEN_HEADER`). */
export const CONSISTENCY_HEADER = 'x-db-consistency';

/** `fetch` as tRPC's HTTP links call it (and as browsers, React Native and Node 18+ provide it). */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ReadYourWritesOptions {
  /** The user session's token store; default a new in-memory store (see `createConsistencyTokenStore`). */
  readonly store?: ConsistencyTokenStore;
  /** Default `x-db-consistency`; must match the server's `TransportOptions.header`. */
  readonly header?: string;
  /** The fetch to wrap; default the global `fetch`, looked up on each call. */
  readonly fetch?: FetchFunction;
}

/** What `httpLink` and `httpBatchLink` take: `httpBatchLink({ url, ...readYourWrites.link })`. */
export interface ReadYourWritesLinkOptions {
  readonly fetch: FetchFunction;
  readonly headers: () => Promise<Record<string, string>>;
}

export interface ReadYourWrites extends ReadYourWritesLinkOptions {
  readonly store: ConsistencyTokenStore;
  /** `{ fetch, headers }`, to spread into the link's options. */
  readonly link: ReadYourWritesLinkOptions;
}

/**
 * The client half of read-your-writes for `@trpc/client`'s `httpLink` and `httpBatchLink`: `fetch` remembers the
 * newest token a response carries (a batch's one header already holds the newest of its mutations), `headers`
 * sends it with every request. A mutation sent with `httpBatchStreamLink` is refused with
 * `ConsistencyLinkError('StreamingMutation')`: a streamed response's headers leave before the procedures finish,
 * so its token could never arrive.
 */
export function createReadYourWrites(options: ReadYourWritesOptions = {}): ReadYourWrites {
  const store = options.store ?? createConsistencyTokenStore();
  const header = (options.header ?? CONSISTENCY_HEADER).toLowerCase();
  const fetch: FetchFunction = async (input, init) => {
    if (isStreamingMutation(init)) {
      throw new ConsistencyLinkError(
        'StreamingMutation',
        'read-your-writes: a mutation over httpBatchStreamLink cannot receive its consistency token (headers are ' +
          'sent before procedures finish). Send mutations with httpLink or httpBatchLink (splitLink on op.type).',
      );
    }
    const response = await baseFetch(options.fetch)(input, init);
    await store.offer(response.headers.get(header));
    return response;
  };
  const headers = async (): Promise<Record<string, string>> => {
    const token = await store.current();
    return token === undefined ? {} : { [header]: token };
  };
  return { store, fetch, headers, link: { fetch, headers } };
}

function baseFetch(custom: FetchFunction | undefined): FetchFunction {
  if (custom !== undefined) return custom;
  if (typeof globalThis.fetch !== 'function') {
    throw new ConsistencyLinkError('NoFetch', 'read-your-writes: no global fetch; pass options.fetch');
  }
  return globalThis.fetch;
}

/** tRPC's streaming link asks for `application/jsonl`; mutations (and method-overridden queries) are POSTs. */
function isStreamingMutation(init: RequestInit | undefined): boolean {
  if (init === undefined || (init.method ?? 'GET').toUpperCase() !== 'POST') return false;
  return Object.values(headerRecord(init.headers)).some((value) => /application\/jsonl/i.test(value));
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  if (headers === undefined) return {};
  if (Array.isArray(headers)) return Object.fromEntries(headers.map(([k, v]) => [k ?? '', v ?? '']));
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    const record: Record<string, string> = {};
    (headers as Headers).forEach((value, key) => {
      record[key] = value;
    });
    return record;
  }
  return headers as Record<string, string>;
}
