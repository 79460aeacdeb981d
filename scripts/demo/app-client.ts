import { redactText } from '@multidb/config';

/** Where the demo's clients address the API (the handler is called in process; no socket). */
export const API_URL = 'http://demo.local/trpc';
const BASE = API_URL;
/** The header `createTrpcFetchHandler` reads and writes by default (`DEFAULT_TOKEN_HEADER` of `@multidb/trpc`). */
export const TOKEN_HEADER = 'x-db-consistency';

export interface CallResult<T> {
  readonly ok: boolean;
  readonly status: number;
  readonly data: T | undefined;
  /** The consistency token a successful mutation sent back in its response header. */
  readonly token: string | undefined;
  readonly error: string | undefined;
}

export interface Failure {
  readonly procedure: string;
  readonly status: number;
  readonly error: string;
}

/**
 * A tRPC client of the fetch handler, as a browser would be: mutations are `POST`s, queries `GET`s, and the
 * consistency token travels in the `x-db-consistency` header both ways. Every request is counted; a request that
 * does not answer 200 is a failure.
 */
export class AppClient {
  readonly #handle: (req: Request) => Promise<Response>;
  readonly #byProcedure = new Map<string, number>();
  readonly #failures: Failure[] = [];
  #requests = 0;
  #failed = 0;
  /** Called after every request (progress). */
  onRequest: ((requests: number, failed: number) => void) | undefined;

  constructor(handle: (req: Request) => Promise<Response>) {
    this.#handle = handle;
  }

  get requests(): number {
    return this.#requests;
  }
  get failed(): number {
    return this.#failed;
  }
  /** The first failures, redacted (for the report). */
  get failures(): readonly Failure[] {
    return this.#failures;
  }
  byProcedure(): Record<string, number> {
    return Object.fromEntries([...this.#byProcedure.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** `fetch` over the same handler for `@trpc/client` links; counted like every other request. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const procedure = decodeURIComponent(
      new URL(request.url).pathname.slice(new URL(BASE).pathname.length + 1),
    );
    try {
      const response = await this.#handle(request);
      this.#count(
        procedure,
        response.status,
        response.status === 200 ? undefined : `HTTP ${response.status}`,
      );
      return response;
    } catch (error) {
      this.#count(procedure, 0, redactText(String(error)));
      throw error;
    }
  };

  mutation<T>(procedure: string, input: unknown, token?: string): Promise<CallResult<T>> {
    return this.#call<T>(
      procedure,
      new Request(`${BASE}/${procedure}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...tokenHeader(token) },
        body: JSON.stringify(input),
      }),
    );
  }

  query<T>(procedure: string, input: unknown, token?: string): Promise<CallResult<T>> {
    const encoded = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.#call<T>(
      procedure,
      new Request(`${BASE}/${procedure}${encoded}`, { headers: tokenHeader(token) }),
    );
  }

  async #call<T>(procedure: string, request: Request): Promise<CallResult<T>> {
    let result: CallResult<T>;
    try {
      const response = await this.#handle(request);
      const body = (await response.json()) as {
        result?: { data: T };
        error?: { message?: string; json?: { message?: string } };
      };
      const ok = response.status === 200 && body.result !== undefined;
      result = {
        ok,
        status: response.status,
        data: body.result?.data,
        token: response.headers.get(TOKEN_HEADER) ?? undefined,
        error: ok ? undefined : redactText(body.error?.message ?? body.error?.json?.message ?? 'no result'),
      };
    } catch (error) {
      result = { ok: false, status: 0, data: undefined, token: undefined, error: redactText(String(error)) };
    }
    this.#count(procedure, result.status, result.ok ? undefined : (result.error ?? ''));
    return result;
  }

  #count(procedure: string, status: number, error: string | undefined): void {
    this.#requests++;
    this.#byProcedure.set(procedure, (this.#byProcedure.get(procedure) ?? 0) + 1);
    if (error !== undefined) {
      this.#failed++;
      if (this.#failures.length < 10) this.#failures.push({ procedure, status, error });
    }
    this.onRequest?.(this.#requests, this.#failed);
  }
}

const tokenHeader = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { [TOKEN_HEADER]: token };
