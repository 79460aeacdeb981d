import type { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '@multidb/config/pglite';
import { eq } from 'drizzle-orm';
import { Cache } from 'drizzle-orm/cache/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DualWriter, dualWriterOf, withBackup } from '../src/index.js';
import { type Pair, pglitePair } from './support/pair.js';
import { counters } from './support/schema.js';

// The wrapper prepares every captured statement itself, so it must hand Drizzle the same mutation metadata Drizzle
// would (0.45: `tables: extractUsedTable(table)`; 1.0: `tables: () => [table[CacheKey]]`): a Drizzle cache on the
// primary is invalidated by writes through the wrapper exactly as by raw writes, never left serving stale rows.

class RecordingCache extends Cache {
  readonly mutated: string[][] = [];
  strategy(): 'explicit' | 'all' {
    return 'explicit';
  }
  async get(): Promise<undefined> {
    return undefined;
  }
  async put(): Promise<void> {}
  async onMutate(params: { tables?: unknown }): Promise<void> {
    const tables = params.tables === undefined ? [] : [params.tables].flat();
    this.mutated.push(tables.map(String));
  }
}

let pair: Pair;
beforeAll(async () => {
  pair = await pglitePair();
});
afterAll(() => pair?.close());
beforeEach(() => pair.reset());

describe('a Drizzle cache on the primary', () => {
  it('is invalidated by insert / update / delete through the wrapper as by the same raw writes', async () => {
    const cache = new RecordingCache();
    // Another Drizzle database on the primary's PGlite, with the cache (not closed here: the pair owns the PGlite).
    const cached = fromPglite(pair.primary.pglite as PGlite, { cache }).db;
    const writes = async (db: typeof cached, name: string) => {
      await db.insert(counters).values({ name, n: 1 });
      await db
        .insert(counters)
        .values({ name: `${name}-r`, n: 1 })
        .returning();
      await db.update(counters).set({ n: 2 }).where(eq(counters.name, name));
      await db.update(counters).set({ n: 3 }).where(eq(counters.name, name)).returning({ n: counters.n });
      await db.delete(counters).where(eq(counters.name, `${name}-r`));
    };
    await writes(cached, 'raw');
    const raw = cache.mutated.splice(0);
    expect(raw).toHaveLength(5);
    expect(raw[0]?.length).toBe(1);

    const db = withBackup(cached, { backup: pair.backup.db, enabled: true });
    await writes(db, 'wrapped');
    expect(cache.mutated).toEqual(raw);
    expect(await (dualWriterOf(db) as DualWriter).flush(5000)).toBe(true);
    expect(await pair.backup.db.select({ name: counters.name, n: counters.n }).from(counters)).toEqual([
      { name: 'wrapped', n: 3 },
    ]);
  });
});
