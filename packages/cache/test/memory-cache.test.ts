import { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { eq, sql } from 'drizzle-orm';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryCache } from '../src/index.js';

const auth = pgSchema('auth');
const sessions = auth.table('sessions', {
  id: integer().primaryKey(),
  userName: text('user_name').notNull(),
});
const other = auth.table('other', { id: integer().primaryKey() });

let now = 1_000_000;
let cache: MemoryCache;
let pg: PGlite;
let handle: DbHandle;

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(
    'create schema auth; create table auth.sessions (id int primary key, user_name text not null);',
  );
  await pg.exec('create table auth.other (id int primary key);');
});
afterAll(async () => {
  await pg.close();
});
beforeEach(async () => {
  now = 1_000_000;
  cache = new MemoryCache({ ttlMs: 30_000, maxEntries: 3, now: () => now });
  handle = fromPglite(pg, { cache, ownsClient: false });
  await pg.exec("truncate auth.sessions, auth.other; insert into auth.sessions values (1, 'ada')");
});

const readSession = () => handle.db.select().from(sessions).where(eq(sessions.id, 1)).$withCache();

describe('MemoryCache', () => {
  it('serves an opted-in query from memory until its TTL runs out', async () => {
    expect(await readSession()).toEqual([{ id: 1, userName: 'ada' }]);
    await pg.exec("update auth.sessions set user_name = 'changed behind drizzle'");
    expect(await readSession()).toEqual([{ id: 1, userName: 'ada' }]);
    now += 30_001;
    expect(await readSession()).toEqual([{ id: 1, userName: 'changed behind drizzle' }]);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('does not cache queries that did not opt in (explicit strategy)', async () => {
    await handle.db.select().from(sessions);
    expect(cache.stats().entries).toBe(0);
  });

  it('is invalidated by a write through Drizzle to one of its tables, not by writes to other tables', async () => {
    await readSession();
    await handle.db.insert(other).values({ id: 1 });
    await readSession();
    expect(cache.stats().hits).toBe(1);
    await handle.db.update(sessions).set({ userName: 'grace' }).where(eq(sessions.id, 1));
    expect(await readSession()).toEqual([{ id: 1, userName: 'grace' }]);
    expect(cache.stats().invalidations).toBe(1);
  });

  it('honours per-query expiry and tags, and evicts the least recently used beyond maxEntries', async () => {
    await handle.db
      .select()
      .from(sessions)
      .$withCache({ config: { px: 10 } });
    now += 11;
    await handle.db
      .select()
      .from(sessions)
      .$withCache({ config: { px: 10 } });
    expect(cache.stats().misses).toBe(2);

    await handle.db.select().from(sessions).$withCache({ tag: 'session-1' });
    await cache.onMutate({ tags: 'session-1' });
    await handle.db.select().from(sessions).$withCache({ tag: 'session-1' });
    expect(cache.stats().hits).toBe(0);

    for (let i = 0; i < 5; i++) {
      await handle.db
        .select({ n: sql<number>`${i}::int` })
        .from(sessions)
        .$withCache();
    }
    expect(cache.stats().entries).toBe(3);
    expect(cache.stats().evictions).toBeGreaterThan(0);
  });

  it('invalidates by Table object too', async () => {
    await readSession();
    await cache.onMutate({ tables: sessions });
    await readSession();
    expect(cache.stats().hits).toBe(0);
  });
});
