import { redactText } from '@multidb/config';

const BASE = 'http://demo.local/trpc';
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
    this.#requests++;
    this.#byProcedure.set(procedure, (this.#byProcedure.get(procedure) ?? 0) + 1);
    if (!result.ok) {
      this.#failed++;
      if (this.#failures.length < 10)
        this.#failures.push({ procedure, status: result.status, error: result.error ?? '' });
    }
    this.onRequest?.(this.#requests, this.#failed);
    return result;
  }
}

const tokenHeader = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { [TOKEN_HEADER]: token };
