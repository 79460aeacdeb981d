// What the router accepts as a node on either drizzle-orm line, and what it refuses at construction.
import { PGlite } from '@electric-sql/pglite';
import { drizzleLine, MultiDbError } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { entityKind, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgresJs } from 'drizzle-orm/postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createDbRouter, type DbRouter, type DbRouterOptions } from '../src/index.js';
import { DDL, posts, relational, users } from './support/test-schema.js';

const line = drizzleLine();
const expected = line === '0.45' ? 'PgDatabase' : 'PgAsyncDatabase';
// Port 1 refuses connections: nothing below connects there unless a query runs.
const DEAD_URL = 'postgres://app:pw@127.0.0.1:1/app';

let client: PGlite;
const routers: DbRouter[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  client = await PGlite.create();
  await client.exec(DDL);
});
afterAll(() => client.close());
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

function build(options: DbRouterOptions): DbRouter {
  const router = createDbRouter({ health: { background: false }, ...options });
  routers.push(router);
  return router;
}

/** The error `build(options)` throws, which must be a `MultiDbError`. */
function refusal(options: DbRouterOptions): MultiDbError {
  try {
    build(options);
  } catch (error) {
    expect(error).toBeInstanceOf(MultiDbError);
    return error as MultiDbError;
  }
  throw new Error('the router accepted it');
}

describe('a value that is not a Drizzle database of the loaded drizzle-orm is refused at construction', () => {
  const primaryDb = () => drizzlePglite({ client });

  test('a raw PGlite instance', () => {
    const error = refusal({ primary: client as never });
    expect(error.code).toBe('NotADrizzleDatabase');
    expect(error.message).toContain("primary 'primary'");
    expect(error.message).toContain(`${expected} of drizzle-orm`);
    expect(error.message).toContain('a PGlite instance (wrap it with drizzle() from drizzle-orm/pglite)');
  });

  test('a node-postgres Pool, as a replica', () => {
    const pool = new pg.Pool({ connectionString: DEAD_URL });
    closers.push(() => pool.end());
    const error = refusal({ primary: primaryDb(), replicas: [{ name: 'r1', db: pool as never }] });
    expect(error.code).toBe('NotADrizzleDatabase');
    expect(error.message).toContain("replica 'r1'");
    expect(error.message).toContain('a node-postgres Pool or Client');
  });

  test('a postgres.js sql client', () => {
    const client = postgres(DEAD_URL);
    closers.push(() => client.end({ timeout: 0 }));
    const error = refusal({ primary: primaryDb(), replicas: [{ name: 'r1', db: client as never }] });
    expect(error.code).toBe('NotADrizzleDatabase');
    expect(error.message).toContain('a postgres.js client');
  });

  test('a DbHandle-shaped object whose db is not a database (the crash of issue 14: parseDatabaseUrl on the first query)', () => {
    const forged = { db: { dialect: {} }, kind: 'pglite', safeUrl: 'pglite:memory', close: async () => {} };
    const error = refusal({ primary: forged as never });
    expect(error.code).toBe('NotADrizzleDatabase');
    expect(error.message).toContain("primary 'primary': the DbHandle's db");
  });

  test('a Drizzle database of another drizzle-orm copy or major (its own classes, same entity kinds)', () => {
    // What a second drizzle-orm copy's database looks like to this one: entity kinds, but none of our classes.
    class PgliteDatabase {
      static readonly [entityKind] = 'PgliteDatabase';
      readonly dialect = {};
    }
    const error = refusal({
      primary: primaryDb(),
      replicas: [{ name: 'old', db: new PgliteDatabase() as never }],
    });
    expect(error.code).toBe('NotADrizzleDatabase');
    expect(error.message).toContain("replica 'old'");
    expect(error.message).toContain(
      'a Drizzle PgliteDatabase from another copy or major version of drizzle-orm',
    );
  });

  test('a plain object and null', () => {
    expect(refusal({ primary: {} as never }).message).toMatch(/got a plain object/);
    expect(refusal({ primary: primaryDb(), replicas: [{ name: 'n', db: null as never }] }).code).toBe(
      'InvalidRouterConfig',
    );
  });

  test('a Drizzle database, a DbHandle and a URL are accepted', async () => {
    const router = build({
      primary: fromPglite(client, { ownsClient: false }),
      replicas: [{ name: 'db', db: primaryDb() as never }],
    });
    expect(await router.$replicas[0]?.$count(users)).toBe(0);
    expect(build({ primary: 'pglite:memory' }).getClient('read')).toBeDefined();
  });
});

describe('nodes of different drivers', () => {
  test.runIf(line === '1.0')(
    '1.0: a database of another driver (other codecs) is refused at construction, naming the nodes',
    () => {
      const pool = new pg.Pool({ connectionString: DEAD_URL });
      const sqlClient = postgres(DEAD_URL);
      closers.push(
        () => pool.end(),
        () => sqlClient.end({ timeout: 0 }),
      );
      const error = refusal({
        primary: drizzlePglite({ client }),
        replicas: [
          { name: 'pg', db: drizzleNodePg({ client: pool }) },
          { name: 'same', db: drizzlePglite({ client }) },
          { name: 'pgjs', db: drizzlePostgresJs({ client: sqlClient }) },
        ],
      });
      expect(error.code).toBe('InvalidRouterConfig');
      expect(error.message).toContain(
        "replica 'pg', replica 'pgjs' use another driver or other codecs than primary 'primary'",
      );
      expect(error.message).not.toContain("'same'");
    },
  );

  test.runIf(line === '1.0')(
    '1.0: a database of the same driver with custom codecs is refused too',
    async () => {
      const { pgliteCodecs } = (await import('drizzle-orm/pglite' as string)) as { pgliteCodecs: object };
      const custom = drizzlePglite({ client, codecs: { ...pgliteCodecs } } as never);
      const error = refusal({
        primary: drizzlePglite({ client }),
        replicas: [{ name: 'custom', db: custom as never }],
      });
      expect(error.message).toContain("replica 'custom' uses another driver or other codecs");
    },
  );

  test.runIf(line === '1.0')(
    '1.0: a URL node of another driver is refused before its first routed query (its probes still run)',
    async () => {
      const router = build({
        primary: drizzlePglite({ client }),
        replicas: [{ name: 'remote', db: DEAD_URL }],
        connect: { connectTimeout: 1 },
      });
      const attempt = router.$replicas[0]?.execute(sql`select 1`);
      await expect(attempt).rejects.toMatchObject({ code: 'InvalidRouterConfig' });
      await expect(attempt).rejects.toThrow(/replica 'remote' uses another driver/);
      // The health probe is not a routed query: it reports the node as it is (unreachable).
      const status = await router.checkHealth();
      expect(status.nodes.find((n) => n.name === 'remote')?.lastError).toMatch(/ECONNREFUSED|connect/i);
    },
  );

  test.runIf(line === '0.45')(
    '0.45: nodes of different drivers are accepted (one dialect behaviour for all)',
    () => {
      const pool = new pg.Pool({ connectionString: DEAD_URL });
      closers.push(() => pool.end());
      const router = build({
        primary: drizzlePglite({ client }),
        replicas: [{ name: 'pg', db: drizzleNodePg({ client: pool }) }],
      });
      expect(router.$replicas).toHaveLength(1);
    },
  );
});

describe('relational queries of a URL primary: the router passes its schema (0.45) / relations (1.0) to connect()', () => {
  test('the router client and a transaction on the opened node both know the relations', async () => {
    const router = build({ primary: 'pglite:memory', ...relational } as DbRouterOptions);
    const write = router.getClient('write');
    for (const statement of DDL.split(';').filter((s) => s.trim() !== ''))
      await write.execute(sql.raw(statement));
    const [ada] = await write.insert(users).values({ email: 'ada@x', name: 'Ada' }).returning();
    await write.insert(posts).values({ authorId: ada?.id ?? 0, title: 'Engines' });
    type Found = { email: string; posts: { title: string }[] }[];
    type Rqb = { users: { findMany(config: object): Promise<Found> } };
    const config =
      line === '0.45' ? { with: { posts: true } } : { where: { email: 'ada@x' }, with: { posts: true } };
    const found = await (router.getClient('read').query as unknown as Rqb).users.findMany(config);
    expect(found).toMatchObject([{ email: 'ada@x', posts: [{ title: 'Engines' }] }]);
    const inTx = await router.withTransaction((tx) => (tx.query as unknown as Rqb).users.findMany(config));
    expect(inTx).toEqual(found);
  });

  test.runIf(line === '0.45')(
    '0.45 refuses `relations` (a 1.0 option) when it opens a URL node',
    async () => {
      const router = build({ primary: 'pglite:memory', relations: {} });
      await expect(router.getClient('write').execute(sql`select 1`)).rejects.toThrow(
        /relations: drizzle-orm 0\.45/,
      );
    },
  );
});
