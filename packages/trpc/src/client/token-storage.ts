/**
 * Where a token store keeps its token beyond memory: the shape of the Web Storage API (`sessionStorage`,
 * `localStorage`) and of React Native's `AsyncStorage`, so either can be passed as it is.
 */
export interface ConsistencyTokenStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** Storage that fails (Safari private mode, a full quota, a denied cookie policy) must not fail requests. */
export async function readQuietly(
  storage: ConsistencyTokenStorage,
  key: string,
): Promise<string | undefined> {
  try {
    return (await storage.getItem(key)) ?? undefined;
  } catch {
    return undefined;
  }
}

export async function writeQuietly(
  storage: ConsistencyTokenStorage,
  key: string,
  value: string | undefined,
): Promise<void> {
  try {
    if (value === undefined) await storage.removeItem(key);
    else await storage.setItem(key, value);
  } catch {
    // The token stays in memory for this page; storage only extends its life.
  }
}
