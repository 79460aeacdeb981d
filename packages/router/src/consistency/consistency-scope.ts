import { AsyncLocalStorage } from 'node:async_hooks';
import { decodeConsistencyToken, requiredPosition } from './consistency-token.js';

/** Read-your-writes state of one unit of work (a request, a job): what it must see and whether it wrote. */
export interface ConsistencyScope {
  /** Reads must see at least this primary position (from the incoming token); `undefined`: no constraint. */
  required: bigint | undefined;
  /** The incoming token was present but malformed or forged. */
  readonly invalidToken: boolean;
  /** Something was written through the router in this scope since the last token: reads use the primary. */
  wrote: boolean;
  /** Writes started in this scope (a token taken while one is in flight must keep `wrote`). */
  writes: number;
  pendingWrites: number;
}

/** What `withConsistency` returns: a lazy thenable's result as a promise, anything else as it is. */
export type InScope<T> = T extends Promise<unknown> ? T : T extends PromiseLike<infer U> ? Promise<U> : T;

function isLazyThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    !(value instanceof Promise) &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** One AsyncLocalStorage per router: positions of different primaries are not comparable. */
export class ConsistencyScopes {
  readonly #storage = new AsyncLocalStorage<ConsistencyScope>();

  /**
   * Runs `fn` in a new scope. A lazy thenable it returns (a Drizzle query builder, which runs only when awaited)
   * is started inside the scope: otherwise `await withConsistency(token, () => db.select()...)` would run the
   * query after the scope had ended, unconstrained.
   */
  run<T>(token: string | undefined, fn: () => T): InScope<T> {
    const decoded = decodeConsistencyToken(token);
    const scope: ConsistencyScope = {
      required: requiredPosition(decoded),
      invalidToken: decoded.type === 'invalid',
      wrote: false,
      writes: 0,
      pendingWrites: 0,
    };
    return this.#storage.run(scope, () => {
      const result = fn();
      if (!isLazyThenable(result)) return result as InScope<T>;
      return new Promise((resolve, reject) => result.then(resolve, reject)) as InScope<T>;
    });
  }

  current(): ConsistencyScope | undefined {
    return this.#storage.getStore();
  }
}
