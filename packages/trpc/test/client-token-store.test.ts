import { describe, expect, test } from 'vitest';
import { type ConsistencyTokenStorage, createConsistencyTokenStore } from '../src/client/index.js';

const OLD = 'v1.0000000001000000';
const NEW = 'v1.0000000002000000';
const NEWER = 'v1.0000000003000000';

/** Web Storage semantics (sessionStorage), kept in a Map. */
class MemoryStorage implements ConsistencyTokenStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/** AsyncStorage semantics (React Native): every call answers later. */
class AsyncMemoryStorage implements ConsistencyTokenStorage {
  readonly items = new Map<string, string>();
  async getItem(key: string): Promise<string | null> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.items.get(key) ?? null;
  }
  async setItem(key: string, value: string): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.items.set(key, value);
  }
  async removeItem(key: string): Promise<void> {
    this.items.delete(key);
  }
}

describe('createConsistencyTokenStore', () => {
  test('in memory by default: keeps the newest token, never an older or a malformed one', async () => {
    const store = createConsistencyTokenStore();
    expect(await store.current()).toBeUndefined();
    expect(await store.offer(null)).toBeUndefined();
    expect(await store.offer(NEW)).toBe(NEW);
    expect(await store.offer(OLD)).toBe(NEW);
    expect(await store.offer('v1.ffffffffffffffffff')).toBe(NEW);
    expect(await store.offer('v9.ffffffffffffffff')).toBe(NEW);
    expect(await store.offer(NEWER)).toBe(NEWER);
    expect(await store.current()).toBe(NEWER);
    await store.clear();
    expect(await store.current()).toBeUndefined();
    expect(await store.offer(OLD)).toBe(OLD);
  });

  test('two stores never share a token', async () => {
    const alice = createConsistencyTokenStore();
    const bob = createConsistencyTokenStore();
    await alice.offer(NEW);
    expect(await bob.current()).toBeUndefined();
  });

  test('concurrent offers in any order leave the newest', async () => {
    const store = createConsistencyTokenStore({ storage: new AsyncMemoryStorage() });
    await Promise.all([store.offer(NEW), store.offer(NEWER), store.offer(OLD)]);
    expect(await store.current()).toBe(NEWER);
  });

  test.each([
    ['sessionStorage-like', () => new MemoryStorage()],
    ['AsyncStorage-like', () => new AsyncMemoryStorage()],
  ])('a %s storage keeps the token beyond the store, under its key', async (_, make) => {
    const storage = make();
    const first = createConsistencyTokenStore({ storage, key: 'rw:alice' });
    await first.offer(NEW);
    expect(storage.items.get('rw:alice')).toBe(NEW);
    // A new store on the same storage (a reload) starts from the stored token and does not go back.
    const reloaded = createConsistencyTokenStore({ storage, key: 'rw:alice' });
    expect(await reloaded.current()).toBe(NEW);
    expect(await reloaded.offer(OLD)).toBe(NEW);
    expect(storage.items.get('rw:alice')).toBe(NEW);
    // Another tab on a shared storage saw a newer token: it is picked up.
    storage.items.set('rw:alice', NEWER);
    expect(await first.current()).toBe(NEWER);
    // Another key is another user.
    expect(await createConsistencyTokenStore({ storage, key: 'rw:bob' }).current()).toBeUndefined();
    await reloaded.clear();
    expect(storage.items.has('rw:alice')).toBe(false);
  });

  test('a malformed stored value is ignored; a storage that throws falls back to memory', async () => {
    const storage = new MemoryStorage();
    storage.items.set('multidb.consistency', 'v1.<script>');
    const store = createConsistencyTokenStore({ storage });
    expect(await store.current()).toBeUndefined();
    expect(await store.offer(NEW)).toBe(NEW);
    expect(storage.items.get('multidb.consistency')).toBe(NEW);

    const broken: ConsistencyTokenStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => Promise.reject(new Error('QuotaExceededError')),
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const fallback = createConsistencyTokenStore({ storage: broken });
    expect(await fallback.offer(NEW)).toBe(NEW);
    expect(await fallback.current()).toBe(NEW);
    await fallback.clear();
    expect(await fallback.current()).toBeUndefined();
  });
});
