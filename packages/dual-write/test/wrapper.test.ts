import { isPgDatabase, loadConfig, MultiDbError } from '@multidb/config';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriter, dualWriterOf, withBackup } from '../src/index.js';
import { expectTablesEqual, rowCount } from './support/expect-tables-equal.js';
import { type Pair, pglitePair } from './support/pair.js';
import { accounts, allTables, counters, noKey, schema } from './support/schema.js';

let pair: Pair;
beforeAll(async () => {
  pair = await pglitePair();
});
afterAll(() => pair?.close());
beforeEach(() => pair.reset());

function wrap(options: Partial<Parameters<typeof createDualWriter>[0]> = {}) {
  const writer = createDualWriter({ backup: pair.backup.db, primary: pair.primary.db, ...options });
  return { writer, db: writer.wrap(pair.primary.db) };
}

describe('the wrapped database', () => {
  it('is the same kind of object: a PgDatabase (1.0: PgAsyncDatabase) with relational queries and inherited reads', async () => {
    const db = withBackup(pair.primary.db, { backup: pair.backup.db, enabled: true });
    expect(isPgDatabase(db)).toBe(true);
    expect(db).toBeInstanceOf(pair.primary.db.constructor);
    await db.insert(counters).values({ name: 'q', n: 1 });
    expect(await db.query.counters.findMany()).toMatchObject([{ name: 'q', n: 1 }]);
    expect(await db.$count(counters)).toBe(1);
    await (dualWriterOf(db) as DualWriter).flush();
    expect(await rowCount(pair.backup.db, counters)).toBe(1);
  });

  it('a caller mutating its returned row (JSON values included) cannot change what the backup gets', async () => {
    const { db, writer } = wrap();
    const [row] = await db
      .insert(accounts)
      .values({ email: 'm@x', name: 'M', meta: { tags: ['a'], deep: { n: 1 } } })
      .returning();
    const meta = row?.meta as { tags: string[]; deep: { n: number } };
    meta.tags.push('changed by the caller');
    meta.deep.n = 2;
    expect(await writer.flush(5000)).toBe(true);
    const [copy] = await pair.backup.db.select().from(accounts);
    expect(copy?.meta).toEqual({ tags: ['a'], deep: { n: 1 } });
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('toSQL shows the statement as written, without the hidden returning columns', () => {
    const { db } = wrap();
    const query = db.insert(counters).values({ name: 'q' }).toSQL();
    expect(query.sql).toBe(pair.primary.db.insert(counters).values({ name: 'q' }).toSQL().sql);
    expect(query.sql).not.toContain('returning');
  });

  it('refuses to embed a captured mutation in another query (it would bypass the backup)', async () => {
    const { db } = wrap();
    const inserted = db.insert(counters).values({ name: 'q' }).returning();
    expect(() => db.$with('ins').as(inserted)).toThrow(
      expect.objectContaining({ code: 'UncapturedMutation' }),
    );
    expect(() => db.execute(sql`${db.delete(counters)}`)).toThrow(MultiDbError);
    expect(await rowCount(pair.primary.db, counters)).toBe(0);
  });

  it('refuses primary-key updates before running them', async () => {
    const { db } = wrap();
    await db.insert(counters).values({ name: 'q' });
    expect(() => db.update(counters).set({ id: 99 })).toThrow(
      expect.objectContaining({ code: 'PrimaryKeyUpdate' }),
    );
    expect(await pair.primary.db.select({ id: counters.id }).from(counters)).toEqual([{ id: 1 }]);
  });

  it('a table without a primary key fails at its first write, before anything is written', async () => {
    const { db } = wrap();
    expect(() => db.insert(noKey).values({ a: 'x' })).toThrow(
      expect.objectContaining({ code: 'NoPrimaryKey' }),
    );
    expect(await rowCount(pair.primary.db, noKey)).toBe(0);
  });

  it('... or at setup when the schema is given', () => {
    expect(() => wrap({ schema: { ...schema, noKey } })).toThrow(
      expect.objectContaining({ code: 'NoPrimaryKey' }),
    );
  });

  it('ignored tables pass through uncaptured', async () => {
    const { db, writer } = wrap({ ignoreTables: ['no_key', counters] });
    await db.insert(noKey).values({ a: 'x' });
    await db.insert(counters).values({ name: 'q' });
    await writer.flush();
    expect(await rowCount(pair.primary.db, counters)).toBe(1);
    expect(await rowCount(pair.backup.db, counters)).toBe(0);
    expect(writer.metrics().applied).toBe(0);
  });
});

describe('kill switch', () => {
  const options = () => ({ backup: pair.backup.db });

  it('enabled: false returns the database itself', () => {
    expect(withBackup(pair.primary.db, { ...options(), enabled: false })).toBe(pair.primary.db);
    expect(dualWriterOf(pair.primary.db)).toBeUndefined();
  });

  it('BACKUP_DB_ENABLED=false returns the database itself; the option wins over the environment', () => {
    const off = { BACKUP_DB_ENABLED: 'false' };
    expect(withBackup(pair.primary.db, { ...options(), env: off })).toBe(pair.primary.db);
    expect(withBackup(pair.primary.db, { ...options(), env: off, enabled: true })).not.toBe(pair.primary.db);
    expect(withBackup(pair.primary.db, { ...options(), env: { BACKUP_DB_ENABLED: 'yes' } })).not.toBe(
      pair.primary.db,
    );
  });

  it('a topology from loadConfig decides too', () => {
    const topology = loadConfig(
      { primaryUrl: 'pglite:memory', backupUrl: 'pglite:memory', backupEnabled: false },
      {},
    )._unsafeUnwrap();
    expect(withBackup(pair.primary.db, { ...options(), topology })).toBe(pair.primary.db);
  });

  it('an invalid BACKUP_DB_ENABLED is a configuration error, not a silent default', () => {
    expect(() => withBackup(pair.primary.db, { ...options(), env: { BACKUP_DB_ENABLED: 'maybe' } })).toThrow(
      expect.objectContaining({ code: 'InvalidConfig' }),
    );
  });

  it('a disabled wrapper writes only to the primary', async () => {
    const db = withBackup(pair.primary.db, { ...options(), enabled: false });
    await db.insert(counters).values({ name: 'q' });
    await db.update(counters).set({ n: 2 }).where(eq(counters.name, 'q'));
    expect(await rowCount(pair.backup.db, counters)).toBe(0);
  });
});

describe('a shared writer', () => {
  it('several wrapped databases feed one queue (e.g. a router write client and its transactions)', async () => {
    const writer = createDualWriter({ backup: pair.backup.db, primary: pair.primary.db });
    const first = withBackup(pair.primary.db, { writer });
    const second = withBackup(pair.primary.db, { writer });
    await first.insert(counters).values({ name: 'one' });
    await second.insert(counters).values({ name: 'two' });
    expect(dualWriterOf(second)).toBe(writer);
    await writer.flush();
    expect(writer.metrics().applied).toBe(2);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});
