import { PGlite } from '@electric-sql/pglite';
import { entityKind, sql } from 'drizzle-orm';
import { drizzle as drizzleMysqlProxy } from 'drizzle-orm/mysql-proxy';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgresJs } from 'drizzle-orm/postgres-js';
import { drizzle as drizzleSqliteProxy } from 'drizzle-orm/sqlite-proxy';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertPgDatabase,
  describeNonDatabase,
  drizzleLine,
  drizzleVersion,
  isPgDatabase,
  MultiDbError,
  pgCoreClass,
  pgDatabaseClass,
} from '../src/index.js';
import { fromPglite } from '../src/pglite-index.js';

const line = drizzleLine();
const expectedClass = line === '0.45' ? 'PgDatabase' : 'PgAsyncDatabase';

/** The error `assertPgDatabase(value, role)` throws (fails the test when it returns). */
function refusal(value: unknown, role = 'primary'): MultiDbError {
  try {
    assertPgDatabase(value, role);
  } catch (error) {
    expect(error).toBeInstanceOf(MultiDbError);
    return error as MultiDbError;
  }
  throw new Error(`assertPgDatabase accepted ${describeNonDatabase(value)}`);
}

/**
 * A Drizzle database class chain of the OTHER release line, as another copy of drizzle-orm would build it: its
 * classes carry entity kinds, none of which is the loaded line's database class.
 */
function otherLineDatabase(): object {
  const base = line === '0.45' ? 'PgAsyncDatabase' : 'PgDatabase';
  // biome-ignore lint/complexity/noStaticOnlyClass: a drizzle class is what `is()` walks; its kind is static
  class Base {
    static readonly [entityKind]: string = base;
  }
  class PgliteDatabase extends Base {
    static override readonly [entityKind]: string = 'PgliteDatabase';
  }
  return new PgliteDatabase();
}

let client: PGlite;
let pool: pg.Pool;
let sqlClient: postgres.Sql;

beforeAll(async () => {
  client = new PGlite();
  await client.waitReady;
  // Neither connects until a query: a pool and a postgres.js client to an unused port are enough here.
  pool = new pg.Pool({ connectionString: 'postgres://u:secret@127.0.0.1:1/db' });
  sqlClient = postgres('postgres://u:secret@127.0.0.1:1/db', { onnotice: () => {} });
});
afterAll(async () => {
  await Promise.all([client.close(), pool.end(), sqlClient.end()]);
});

describe(`pg-core classes of drizzle-orm ${drizzleVersion} (line ${line})`, () => {
  it(`the database class is ${expectedClass}; the other line's is missing, by name and with DrizzleIncompatible`, () => {
    expect(pgDatabaseClass()[entityKind]).toBe(expectedClass);
    expect(pgCoreClass(expectedClass)).toBe(pgDatabaseClass());
    const missing = line === '0.45' ? 'PgAsyncDatabase' : 'PgDatabase';
    expect(() => pgCoreClass(missing)).toThrow(
      expect.objectContaining({
        code: 'DrizzleIncompatible',
        message: `drizzle-orm ${drizzleVersion} has no pg-core ${missing}; unsupported drizzle-orm version`,
      }),
    );
    expect(pgCoreClass('PgTable')[entityKind]).toBe('PgTable');
  });
});

describe('assertPgDatabase accepts a Drizzle PostgreSQL database of the loaded drizzle-orm', () => {
  it('PGlite, node-postgres (Pool and Client) and postgres.js databases, and a toolkit handle’s db', async () => {
    const handle = fromPglite(client, { ownsClient: false });
    const databases = [
      drizzlePglite({ client }),
      drizzlePg({ client: pool }),
      drizzlePg({ client: new pg.Client({ connectionString: 'postgres://127.0.0.1:1/db' }) }),
      drizzlePostgresJs({ client: sqlClient }),
      handle.db,
    ];
    for (const db of databases) {
      expect(isPgDatabase(db)).toBe(true);
      expect(assertPgDatabase(db, 'primary')).toBe(db);
    }
    await handle.close();
  });

  it('a transaction and a nested transaction (savepoint), which run queries', async () => {
    const db = drizzlePglite({ client });
    const seen = await db.transaction(async (tx) => {
      expect(assertPgDatabase(tx, 'tx')).toBe(tx);
      return tx.transaction(async (nested) => {
        expect(assertPgDatabase(nested, 'nested')).toBe(nested);
        const result = await assertPgDatabase(nested, 'nested').execute(sql`select 41 + 1 as n`);
        return (result as unknown as { rows: { n: number }[] }).rows[0]?.n;
      });
    });
    expect(seen).toBe(42);
  });
});

describe('assertPgDatabase refuses what is not one, naming the role, what was expected and what was given', () => {
  const expectedText = `primary: expected a Drizzle PostgreSQL database (${expectedClass} of drizzle-orm ${drizzleVersion}, e.g. drizzle() from drizzle-orm/pglite, node-postgres or postgres-js); got `;

  it.each<[string, () => unknown, string]>([
    ['a raw PGlite', () => client, 'a PGlite instance (wrap it with drizzle() from drizzle-orm/pglite)'],
    [
      'a pg.Pool',
      () => pool,
      'a node-postgres Pool or Client (wrap it with drizzle() from drizzle-orm/node-postgres)',
    ],
    [
      'a pg.Client',
      () => new pg.Client({ connectionString: 'postgres://127.0.0.1:1/db' }),
      'a node-postgres Pool or Client (wrap it with drizzle() from drizzle-orm/node-postgres)',
    ],
    ['a postgres.js sql', () => sqlClient, 'a postgres.js client (sql``)'],
    ['a plain object', () => ({ select: () => {} }), 'a plain object'],
    ['null', () => null, 'null'],
    ['undefined', () => undefined, 'undefined'],
    ['a URL string', () => 'postgres://u:secret@host/db', 'string'],
    ['a function', () => () => {}, 'a function'],
    ['a class instance', () => new Map(), 'a Map'],
  ])('%s', (_, make, given) => {
    const error = refusal(make());
    expect(error.code).toBe('NotADrizzleDatabase');
    expect(error.message).toBe(expectedText + given);
    expect(error.context).toEqual({ role: 'primary', drizzleVersion });
  });

  it('a DbHandle (its db is the database)', async () => {
    const handle = fromPglite(client, { ownsClient: false });
    expect(refusal(handle, 'backup').message).toBe(
      `${expectedText.replace('primary:', 'backup:')}a DbHandle (pass handle.db)`,
    );
    expect(assertPgDatabase(handle.db, 'backup')).toBe(handle.db);
    await handle.close();
  });

  it('a Drizzle MySQL database and a Drizzle SQLite database', () => {
    const mysql = drizzleMysqlProxy(async () => ({ rows: [] }));
    const sqlite = drizzleSqliteProxy(async () => ({ rows: [] }));
    const mysqlKind = (mysql.constructor as unknown as Record<symbol, string>)[entityKind];
    const sqliteKind = (sqlite.constructor as unknown as Record<symbol, string>)[entityKind];
    expect(mysqlKind).toMatch(/MySql/);
    expect(sqliteKind).toMatch(/Sqlite|SQLite/);
    expect(refusal(mysql).message).toBe(`${expectedText}a Drizzle ${mysqlKind}, not a PostgreSQL database`);
    expect(refusal(sqlite).message).toBe(`${expectedText}a Drizzle ${sqliteKind}, not a PostgreSQL database`);
  });

  it('a PostgreSQL database of the other release line (another drizzle-orm copy or major)', () => {
    const foreign = otherLineDatabase();
    expect(isPgDatabase(foreign)).toBe(false);
    expect(refusal(foreign).message).toBe(
      `${expectedText}a Drizzle PgliteDatabase from another copy or major version of drizzle-orm than the toolkit loads (${drizzleVersion}); install one drizzle-orm`,
    );
  });

  it('never echoes a password given in a URL', () => {
    const error = refusal('postgres://u:secret@host/db');
    expect(error.message).not.toContain('secret');
  });
});
