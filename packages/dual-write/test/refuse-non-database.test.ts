import { PGlite } from '@electric-sql/pglite';
import { drizzleLine, drizzleVersion, isMultiDbError, type MultiDbError } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { entityKind } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDualWriter, dualWriterOf, OutboxDrainer, withBackup } from '../src/index.js';
import { type Pair, pglitePair } from './support/pair.js';
import { counters } from './support/schema.js';

// Whatever is passed where a database belongs (the database to wrap, `backup`, `primary`, a drainer's databases) is
// checked when the writer or wrapper is built: a raw driver, a DbHandle or a Drizzle database of another
// drizzle-orm copy or major is refused with `NotADrizzleDatabase`, naming the role, what was expected and what was
// given, instead of being accepted and failing on the first write (or, worse, never reaching the backup).

let pair: Pair;
let rawPglite: PGlite;
let pool: pg.Pool;
beforeAll(async () => {
  pair = await pglitePair();
  rawPglite = new PGlite();
  // Never connects: refused before any query.
  pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
});
afterAll(async () => {
  await pair?.close();
  await rawPglite?.close();
  await pool?.end();
});

/** A Drizzle database of the other major (its class chain says PgAsyncDatabase under 0.45, PgDatabase under 1.0). */
function otherMajorDatabase(): object {
  const kind = drizzleLine() === '0.45' ? 'PgAsyncDatabase' : 'PgDatabase';
  // biome-ignore lint/complexity/noStaticOnlyClass: drizzle tells its classes apart by their static entityKind
  class OtherBase {
    static readonly [entityKind]: string = kind;
  }
  class PgliteDatabase extends OtherBase {
    static override readonly [entityKind]: string = 'PgliteDatabase';
  }
  return new PgliteDatabase();
}

function refusal(run: () => unknown): MultiDbError {
  try {
    run();
  } catch (error) {
    if (isMultiDbError(error)) return error;
    throw error;
  }
  throw new Error('not refused');
}

const expected = () => (drizzleLine() === '0.45' ? 'PgDatabase' : 'PgAsyncDatabase');

describe('a value that is not a Drizzle PostgreSQL database is refused at construction', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'a raw PGlite',
      () => rawPglite,
      /a PGlite instance \(wrap it with drizzle\(\) from drizzle-orm\/pglite\)/,
    ],
    ['a pg.Pool', () => pool, /a node-postgres Pool or Client/],
    ['a DbHandle', () => pair.primary, /a DbHandle \(pass handle\.db\)/],
    [
      'a database of the other drizzle-orm major',
      otherMajorDatabase,
      /from another copy or major version of drizzle-orm/,
    ],
    ['a plain object', () => ({ insert() {} }), /a plain object/],
    ['undefined', () => undefined, /got undefined/],
  ];

  for (const [label, value, given] of cases) {
    it(`${label}: withBackup(db), backup, primary, writer.wrap, OutboxDrainer`, () => {
      const db = pair.primary.db;
      const backup = pair.backup.db;
      const bad = value() as never;
      const attempts: [string, () => unknown][] = [
        ['withBackup(db)', () => withBackup(bad, { backup, enabled: true })],
        ['withBackup(db)', () => withBackup(bad, { backup, enabled: false })],
        ['dual-write `backup`', () => withBackup(db, { backup: bad, enabled: true })],
        // `primary: undefined` is no primary given (the wrapped database is used).
        ...(bad === undefined
          ? []
          : [
              ['dual-write `primary`', () => withBackup(db, { backup, primary: bad, enabled: true })] as [
                string,
                () => unknown,
              ],
            ]),
        ['dual-write `backup`', () => createDualWriter({ backup: bad, mode: 'durable', primary: db })],
        ['the database to wrap with a backup', () => createDualWriter({ backup }).wrap(bad)],
        ['OutboxDrainer `primary`', () => new OutboxDrainer({ primary: bad, backup, tables: [] })],
        ['OutboxDrainer `backup`', () => new OutboxDrainer({ primary: db, backup: bad, tables: [] })],
      ];
      for (const [role, run] of attempts) {
        const error = refusal(run);
        expect(error.code, role).toBe('NotADrizzleDatabase');
        expect(error.message, role).toContain(`${role}: expected a Drizzle PostgreSQL database`);
        expect(error.message, role).toContain(`${expected()} of drizzle-orm ${drizzleVersion}`);
        expect(error.message, role).toMatch(given);
      }
    });
  }

  it('the database itself is accepted and backed up', async () => {
    const db = withBackup(pair.primary.db, {
      backup: pair.backup.db,
      primary: pair.primary.db,
      enabled: true,
    });
    await db.insert(counters).values({ name: 'accepted', n: 1 });
    await dualWriterOf(db)?.flush(5000);
    expect(await pair.backup.db.select().from(counters)).toMatchObject([{ name: 'accepted', n: 1 }]);
  });
});

describe.runIf(drizzleLine() === '1.0')('drizzle-orm 1.0: a database capture cannot run on', () => {
  it('a dialect that decodes rows by shape (drizzle-orm/postgres) is refused when wrapped', () => {
    const handle = fromPglite(new PGlite());
    const db = handle.db as unknown as { dialect: object };
    const shaped = Object.create(db, {
      dialect: { value: Object.assign(Object.create(db.dialect), { shapeGenerator: () => undefined }) },
    });
    const error = refusal(() => withBackup(shaped, { backup: pair.backup.db, enabled: true }));
    expect(error.code).toBe('UnsupportedDriver');
    expect(error.message).toContain('decoded by shape (drizzle-orm/postgres)');
    return handle.close();
  });
});

describe('the line-specific internals', () => {
  it('are those of the installed drizzle-orm', async () => {
    const { drizzleInternals } = await import('../src/capture/drizzle-internals.js');
    expect(drizzleInternals().line).toBe(drizzleLine());
  });
});
