import { PGlite } from '@electric-sql/pglite';
import { drizzleLine, executeRows, MultiDbError, pgDatabaseClass } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createMirrorReplica, type MirrorReplica } from '@multidb/testing';
import { eq, is, sql } from 'drizzle-orm';
import { Cache, type MutationOption } from 'drizzle-orm/cache/core';
import { PgSelectBuilder } from 'drizzle-orm/pg-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createDbRouter, type DbRouter, type DbRouterOptions, RoutedDatabase } from '../src/index.js';
import {
  DDL,
  posts,
  postTags,
  relational,
  replicaRelational,
  type TestSchema,
  users,
} from './support/test-schema.js';

let pg: PGlite;
let mirror: MirrorReplica<TestSchema>;
const routers: DbRouter<TestSchema>[] = [];

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(DDL);
  mirror = createMirrorReplica(pg, { name: 'mirror', ...replicaRelational });
});
afterAll(async () => {
  await mirror.close();
  await pg.close();
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
  await pg.exec('TRUNCATE users, posts, post_tags RESTART IDENTITY CASCADE');
});

async function makeRouter(extra: Partial<DbRouterOptions<TestSchema>> = {}): Promise<DbRouter<TestSchema>> {
  const router = createDbRouter({
    primary: fromPglite(pg, { ...relational, ownsClient: false }),
    replicas: [{ name: 'mirror', db: mirror.db, positionSource: mirror.positionSource }],
    health: { background: false },
    ...extra,
  });
  routers.push(router);
  await router.checkHealth();
  return router;
}

/** The slice of 1.0's relational query builder these tests use (the test files are type-checked on 0.45). */
interface RqbV2 {
  readonly users: {
    findFirst(
      config: object,
    ): Promise<
      { id: number; email: string; posts: { title: string; tags: { tag: string }[] }[] } | undefined
    >;
    findMany(config: object): Promise<{ email: string; posts: unknown[] }[]>;
  };
  readonly posts: { findMany(config: object): Promise<{ author?: { email: string } | null }[]> };
}

function fail(message: string): never {
  throw new Error(message);
}

async function seed(router: DbRouter<TestSchema>) {
  const write = router.getClient('write');
  const [ada = fail('no user')] = await write
    .insert(users)
    .values({ email: 'ada@x', name: 'Ada' })
    .returning();
  const [post = fail('no post')] = await write
    .insert(posts)
    .values({ authorId: ada.id, title: 'Engines' })
    .returning({ id: posts.id });
  await write.insert(postTags).values([
    { postId: post.id, tag: 'math' },
    { postId: post.id, tag: 'history' },
  ]);
  return { ada, postId: post.id };
}

describe('getClient returns a real Drizzle database', () => {
  test('is(db, PgDatabase) (0.45) / is(db, PgAsyncDatabase) (1.0), prototype methods intact, not a spread copy', async () => {
    const router = await makeRouter();
    const PgDb = pgDatabaseClass();
    expect(PgDb.name).toBe(drizzleLine() === '0.45' ? 'PgDatabase' : 'PgAsyncDatabase');
    for (const intent of ['write', 'transactional', 'read', 'analytics', 'background'] as const) {
      const db = router.getClient(intent);
      expect(is(db, PgDb)).toBe(true);
      expect(db).toBeInstanceOf(PgDb);
      expect(db).toBeInstanceOf(RoutedDatabase);
      expect(is(db, RoutedDatabase as never)).toBe(true);
      expect(db.select).toBe(PgDb.prototype.select);
      expect(db.transaction).toBe(PgDb.prototype.transaction);
      expect(db.select()).toBeInstanceOf(PgSelectBuilder);
      expect(db.$intent).toBe(intent);
      expect(router.getClient(intent)).toBe(db);
    }
  });

  test.runIf(drizzleLine() === '0.45')(
    'relational queries with nested relations, served by the replica',
    async () => {
      const router = await makeRouter();
      await seed(router);
      const read = router.getClient('read');
      const found = await read.query.users.findFirst({
        where: eq(users.email, 'ada@x'),
        with: { posts: { with: { tags: { orderBy: (t, { asc }) => asc(t.tag) } } } },
      });
      expect(found?.posts[0]?.title).toBe('Engines');
      expect(found?.posts[0]?.tags.map((t) => t.tag)).toEqual(['history', 'math']);
      expect(router.getMetrics().routed.read).toEqual({ primary: 0, mirror: 1 });
    },
  );

  test.runIf(drizzleLine() === '1.0')(
    'relational queries v2 (1.0 relations): where objects, nested with, served by the replica',
    async () => {
      const router = await makeRouter();
      const { ada } = await seed(router);
      const query = router.getClient('read').query as unknown as RqbV2;
      const found = await query.users.findFirst({
        where: { email: 'ada@x' },
        with: { posts: { with: { tags: { orderBy: { tag: 'asc' } } } } },
      });
      expect(found?.id).toBe(ada.id);
      expect(found?.posts[0]?.title).toBe('Engines');
      expect(found?.posts[0]?.tags.map((t) => t.tag)).toEqual(['history', 'math']);
      const many = await query.posts.findMany({ where: { author: { name: 'Ada' } }, with: { author: true } });
      expect(many.map((p) => p.author?.email)).toEqual(['ada@x']);
      expect(await query.users.findMany({ where: { name: { like: 'Nobody%' } } })).toEqual([]);
      expect(router.getMetrics().routed.read).toEqual({ primary: 0, mirror: 3 });
      // The relations given to the router (URL-less here: taken from the primary) also serve transactions.
      const inTx = await router.withTransaction(async (tx) =>
        (tx.query as unknown as RqbV2).users.findMany({ with: { posts: true } }),
      );
      expect(inTx[0]?.posts).toHaveLength(1);
    },
  );

  test('selects, joins, $count, CTEs, composite keys and prepared statements are routed as reads', async () => {
    const router = await makeRouter();
    const { ada, postId } = await seed(router);
    const read = router.getClient('read');
    const joined = await read
      .select({ name: users.name, title: posts.title })
      .from(posts)
      .innerJoin(users, eq(users.id, posts.authorId));
    expect(joined).toEqual([{ name: 'Ada', title: 'Engines' }]);
    expect(await read.$count(postTags, eq(postTags.postId, postId))).toBe(2);
    const authors = read.$with('authors').as(read.select({ id: users.id }).from(users));
    expect(await read.with(authors).select().from(authors)).toEqual([{ id: ada.id }]);
    const byEmail = read
      .select()
      .from(users)
      .where(eq(users.email, sql.placeholder('email')))
      .prepare('user_by_email');
    expect(await byEmail.execute({ email: 'ada@x' })).toHaveLength(1);
    expect(await byEmail.execute({ email: 'nobody@x' })).toHaveLength(0);
    expect(await executeRows(read, sql`select count(*)::int as n from ${users}`)).toEqual([{ n: 1 }]);
    expect(router.getMetrics().routed.read).toEqual({ primary: 0, mirror: 6 });
  });

  test('transactions run on the primary: commit, rollback, nested savepoint', async () => {
    const router = await makeRouter();
    await router.withTransaction(async (tx) => {
      await tx.insert(users).values({ email: 'a@x', name: 'A' });
      await tx
        .transaction(async (inner) => {
          await inner.insert(users).values({ email: 'b@x', name: 'B' });
          inner.rollback();
        })
        .catch(() => undefined);
    });
    await expect(
      router.getClient('transactional').transaction(async (tx) => {
        await tx.insert(users).values({ email: 'c@x', name: 'C' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const emails = (await router.$primary.select({ email: users.email }).from(users)).map((u) => u.email);
    expect(emails).toEqual(['a@x']);
    expect(router.getMetrics().routed.transactional.primary).toBe(2);
  });

  test('a transaction of a read intent runs on the primary in READ ONLY mode', async () => {
    const router = await makeRouter();
    const read = router.getClient('read');
    expect(await read.transaction(async (tx) => tx.select().from(users))).toEqual([]);
    await expect(
      read.transaction(async (tx) => tx.insert(users).values({ email: 'ro@x', name: 'RO' })),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '25006' }) });
  });
});

describe('read intents refuse writes', () => {
  test.each(['read', 'analytics', 'background'] as const)(
    '%s: insert, update, delete builders',
    async (intent) => {
      const router = await makeRouter();
      const db = router.getClient(intent);
      const attempts = [
        db.insert(users).values({ email: 'w@x', name: 'W' }),
        db.update(users).set({ name: 'W' }),
        db.delete(users),
      ];
      for (const attempt of attempts) {
        await expect(attempt).rejects.toBeInstanceOf(MultiDbError);
        await expect(attempt).rejects.toMatchObject({ code: 'WriteOnReadIntent' });
      }
      // Each builder was awaited twice above, and refused both times without reaching a database.
      expect(router.getMetrics().refusedWrites).toBe(3 * 2);
      expect((await pg.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
    },
  );

  test('a data-modifying CTE through execute never reaches a replica', async () => {
    const router = await makeRouter();
    const cte = sql`with added as (insert into ${users} (email, name) values ('cte@x', 'CTE') returning id) select id from added`;
    await expect(router.getClient('read').execute(cte)).rejects.toMatchObject({ code: 'WriteOnReadIntent' });
    const rows = await executeRows(router.getClient('write'), cte);
    expect(rows).toHaveLength(1);
    expect(router.getMetrics().routed.write).toEqual({ primary: 1, mirror: 0 });
    expect(router.getMetrics().routed.read).toEqual({ primary: 0, mirror: 0 });
  });

  test('locking reads and sequences run on the primary', async () => {
    const router = await makeRouter();
    const read = router.getClient('read');
    await read.execute(sql`select * from ${users} for update`);
    await read.select().from(users).for('update');
    await read.execute(sql`select nextval('counter')`);
    await read.execute(sql`select 1`);
    expect(router.getMetrics().routed.read).toEqual({ primary: 3, mirror: 1 });
  });
});

class CountingCache extends Cache {
  readonly store = new Map<string, unknown>();
  readonly calls: string[] = [];
  strategy() {
    return 'explicit' as const;
  }
  async get(key: string) {
    this.calls.push('get');
    return this.store.get(key) as unknown[] | undefined;
  }
  async put(key: string, response: unknown) {
    this.calls.push('put');
    this.store.set(key, response);
  }
  async onMutate(params: MutationOption) {
    this.calls.push(`mutate:${String(params.tables)}`);
    this.store.clear();
  }
}

test('a Drizzle Cache: opted-in selects are cached, writes through the router invalidate', async () => {
  const cache = new CountingCache();
  const router = await makeRouter({ cache });
  const read = router.getClient('read');
  await seed(router);
  cache.calls.length = 0;
  const query = () => read.select().from(users).$withCache();
  expect(await query()).toHaveLength(1);
  expect(await query()).toHaveLength(1);
  expect(router.getMetrics().routed.read.mirror).toBe(1);
  await router.getClient('write').insert(users).values({ email: 'new@x', name: 'N' });
  expect(await query()).toHaveLength(2);
  expect(cache.calls).toEqual(['get', 'put', 'get', 'mutate:users', 'get', 'put']);
  await read.select().from(users);
  expect(cache.calls).toHaveLength(6);
});

test('a Drizzle Cache on the nodes themselves also works through the router', async () => {
  const cache = new CountingCache();
  const router = createDbRouter({
    primary: fromPglite(pg, { ...relational, ownsClient: false, cache }),
    replicas: [{ name: 'mirror', db: fromPglite(pg, { ...relational, ownsClient: false, cache }).db }],
    health: { background: false },
    lag: { maxSeconds: Number.POSITIVE_INFINITY },
  });
  routers.push(router);
  await router.getClient('write').insert(users).values({ email: 'n@x', name: 'N' });
  const query = () => router.getClient('read').select().from(users).$withCache();
  expect(await query()).toHaveLength(1);
  await pg.exec("INSERT INTO users (email, name) VALUES ('behind-drizzle@x', 'B')");
  expect(await query()).toHaveLength(1);
  await router.getClient('write').insert(users).values({ email: 'm@x', name: 'M' });
  expect(await query()).toHaveLength(3);
  expect(cache.calls).toEqual(['mutate:users', 'get', 'put', 'get', 'mutate:users', 'get', 'put']);
});

test('the router cache is one instance for every node: a write through $primary and db.$cache.invalidate reach it', async () => {
  const cache = new CountingCache();
  const router = await makeRouter({ cache, lag: { maxSeconds: Number.POSITIVE_INFINITY } });
  const read = router.getClient('read');
  await router.getClient('write').insert(users).values({ email: 'a@x', name: 'A' });
  cache.calls.length = 0;
  const query = () => read.select({ email: users.email }).from(users).$withCache();
  expect(await query()).toHaveLength(1);
  // A write on another client (the pinned primary) invalidates what a read client cached on the replica.
  await router.$primary.update(users).set({ name: 'B' }).where(eq(users.email, 'a@x'));
  await pg.exec("INSERT INTO users (email, name) VALUES ('behind@x', 'C')");
  expect(await query()).toHaveLength(2);
  await pg.exec("INSERT INTO users (email, name) VALUES ('behind2@x', 'D')");
  expect(await query()).toHaveLength(2);
  await read.$cache.invalidate({ tables: ['users'] });
  expect(await query()).toHaveLength(3);
  expect(cache.calls).toEqual([
    'get',
    'put',
    'mutate:users',
    'get',
    'put',
    'get',
    'mutate:users',
    'get',
    'put',
  ]);
});
