import { newerToken } from './token-order.js';
import { type ConsistencyTokenStorage, readQuietly, writeQuietly } from './token-storage.js';

/** The newest consistency token one user session has seen. */
export interface ConsistencyTokenStore {
  /** The newest well-formed token seen (in memory or in the storage), if any. */
  current(): Promise<string | undefined>;
  /**
   * A token from a response: kept if it is well-formed and newer than the current one (an older or malformed
   * token never replaces a newer one). Returns the token now current.
   */
  offer(token: string | null | undefined): Promise<string | undefined>;
  /** Forgets the token (sign-out, a reset database); the next reads are unconstrained again. */
  clear(): Promise<void>;
}

export interface TokenStoreOptions {
  /** Keeps the token beyond memory, e.g. `sessionStorage` (one tab) or `AsyncStorage`. Default: memory only. */
  readonly storage?: ConsistencyTokenStorage;
  /** The storage key; default `multidb.consistency`. Use one key per user if users share a storage. */
  readonly key?: string;
}

export const DEFAULT_STORAGE_KEY = 'multidb.consistency';

/**
 * One store per user session: two stores never share a token. With a storage, the storage is read on every
 * `current()`/`offer()` (another tab sharing `localStorage` may have seen a newer token) and written when the
 * token advances.
 */
export function createConsistencyTokenStore(options: TokenStoreOptions = {}): ConsistencyTokenStore {
  const { storage } = options;
  const key = options.key ?? DEFAULT_STORAGE_KEY;
  let newest: string | undefined;

  const current = async () => {
    if (storage === undefined) return newest;
    const stored = await readQuietly(storage, key);
    // Compare after the await: another offer may have advanced `newest` meanwhile.
    newest = newerToken(newest, stored);
    return newest;
  };
  return {
    current,
    async offer(token) {
      const before = await current();
      newest = newerToken(newest, token);
      if (storage !== undefined && newest !== before) await writeQuietly(storage, key, newest);
      return newest;
    },
    async clear() {
      newest = undefined;
      if (storage !== undefined) await writeQuietly(storage, key, undefined);
    },
  };
}
