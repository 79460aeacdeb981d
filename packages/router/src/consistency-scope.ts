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

/** One AsyncLocalStorage per router: positions of different primaries are not comparable. */
export class ConsistencyScopes {
  readonly #storage = new AsyncLocalStorage<ConsistencyScope>();

  run<T>(token: string | undefined, fn: () => T): T {
    const decoded = decodeConsistencyToken(token);
    const scope: ConsistencyScope = {
      required: requiredPosition(decoded),
      invalidToken: decoded.type === 'invalid',
      wrote: false,
      writes: 0,
      pendingWrites: 0,
    };
    return this.#storage.run(scope, fn);
  }

  current(): ConsistencyScope | undefined {
    return this.#storage.getStore();
  }
}
