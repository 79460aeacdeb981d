import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gt } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import {
  type AnyPgDatabase,
  type DbHandle,
  type DriverKind,
  driverOf,
  drizzleLine,
} from '../../src/index.js';

/** A plain Drizzle database over one driver, and how to open a second one on the same data (if any). */
export interface DriverTarget {
  readonly kind: DriverKind;
  open(): Promise<DbHandle>;
}

const items = pgTable('driver_items', { id: integer('id').primaryKey(), label: text('label') });

/** One suite, every driver: what `Driver` promises, checked against the driver's own Drizzle results. */
export function describeDriver(target: DriverTarget): void {
  describe(`driver ${target.kind}`, () => {
    const withDb = async (fn: (handle: DbHandle, db: AnyPgDatabase) => Promise<void>) => {
      const handle = await target.open();
      try {
        await handle.exec(
          'drop table if exists driver_items; create table driver_items (id int primary key, label text)',
        );
        await fn(handle, handle.db);
      } finally {
        await handle.close();
      }
    };

    it('is found from the database, once per database', () =>
      withDb(async (handle, db) => {
        const driver = driverOf(db);
        expect(driver.kind).toBe(target.kind);
        expect(handle.kind).toBe(target.kind);
        expect(driverOf(db)).toBe(driver);
        expect(driver.supportsCopy).toBe(target.kind !== 'pglite');
        expect(driver.sharedSession).toBe(target.kind === 'pglite');
      }));

    it('runs text SQL with $n parameters: object rows, array rows, affected counts, transactions', () =>
      withDb(async (_, db) => {
        const driver = driverOf(db);
        expect(await driver.rows('select $1::int + 1 as n, $2::text as t', [41, 'x'])).toEqual([
          { n: 42, t: 'x' },
        ]);
        const count = await driver.transaction(async (tx) => {
          const inserted = await tx.execute('insert into driver_items values ($1, $2), ($3, $4)', [
            1,
            'a',
            2,
            'b',
          ]);
          expect(await tx.values('select id, label from driver_items order by id')).toEqual([
            [1, 'a'],
            [2, 'b'],
          ]);
          return inserted;
        });
        expect(count).toBe(2);
        await expect(
          driver.transaction(async (tx) => {
            await tx.execute('delete from driver_items');
            throw new Error('roll back');
          }),
        ).rejects.toThrow('roll back');
        expect(await driver.rows('select count(*)::int as n from driver_items')).toEqual([{ n: 2 }]);
        const readOnly = driver.transaction((tx) => tx.execute('delete from driver_items'), {
          readOnly: true,
        });
        await expect(readOnly).rejects.toThrow(/read-only/);
      }));

    it('builds the raw result of a statement without returning() exactly as its Drizzle session does', () =>
      withDb(async (_, db) => {
        const driver = driverOf(db);
        const plainInsert = await db.insert(items).values([
          { id: 1, label: 'a' },
          { id: 2, label: 'b' },
        ]);
        const returned = await db.insert(items).values([
          { id: 3, label: 'c' },
          { id: 4, label: 'd' },
        ]);
        // A RETURNING run of the same shape, as the dual-write capture gets it (raw rows).
        const rowsOf = (statement: string) => arrayRowsOf(db, statement);
        const rebuiltInsert = driver.noReturningResult(
          await rowsOf('insert into driver_items values (5, $$e$$), (6, $$f$$) returning id'),
          'INSERT',
        );
        expect(comparable(rebuiltInsert)).toEqual(comparable(plainInsert));
        expect(comparable(returned)).toEqual(comparable(plainInsert));
        const plainUpdate = await db.update(items).set({ label: 'z' });
        const rebuiltUpdate = driver.noReturningResult(
          await rowsOf('update driver_items set label = $$y$$ returning id'),
          'UPDATE',
        );
        expect(comparable(rebuiltUpdate)).toEqual(comparable(plainUpdate));
        const rebuiltDelete = driver.noReturningResult(
          await rowsOf('delete from driver_items where id <= 3 returning id'),
          'DELETE',
        );
        const plainDelete = await db.delete(items).where(gt(items.id, 3));
        expect(comparable(rebuiltDelete)).toEqual(comparable(plainDelete));
      }));

    it('reserves a dedicated session', () =>
      withDb(async (_, db) => {
        const driver = driverOf(db);
        const session = await driver.reserve();
        try {
          const [first] = await session.rows<{ pid: number }>('select pg_backend_pid() as pid');
          const [again] = await session.rows<{ pid: number }>('select pg_backend_pid() as pid');
          expect(again?.pid).toBe(first?.pid);
          expect(await session.execute('select 1')).toBeGreaterThanOrEqual(0);
        } finally {
          session.release();
        }
      }));

    it('gives the code of a failure', () =>
      withDb(async (_, db) => {
        const driver = driverOf(db);
        const failure = await driver.rows('selec 1').catch((error: unknown) => error);
        expect(driver.errorCode(failure)).toBe('42601');
        expect(driver.errorCode(new Error('no code'))).toBeUndefined();
      }));

    it('names reusable statements where the driver prepares them', () =>
      withDb(async (_, db) => {
        const name = driverOf(db).reusableStatementName('select 1');
        if (target.kind === 'pglite') expect(name).toBeUndefined();
        else expect(name).toMatch(/^mdb_/);
      }));

    if (target.kind !== 'pglite') {
      it('streams COPY out and in inside a transaction', () =>
        withDb(async (handle, db) => {
          const driver = driverOf(db);
          await handle.exec("insert into driver_items select g, 'row ' || g from generate_series(1, 2000) g");
          const chunks: Buffer[] = [];
          await driver.transaction(async (tx) => {
            const out = await (tx.copyTo as NonNullable<typeof tx.copyTo>)('COPY driver_items TO STDOUT');
            await pipeline(
              out,
              new Writable({
                write(chunk, _encoding, done) {
                  chunks.push(Buffer.from(chunk));
                  done();
                },
              }),
            );
            const after = await tx.rows('select count(*)::int as n from driver_items');
            expect(after).toEqual([{ n: 2000 }]);
          });
          await handle.exec('delete from driver_items');
          await driver.transaction(async (tx) => {
            const sink = await (tx.copyFrom as NonNullable<typeof tx.copyFrom>)(
              'COPY driver_items FROM STDIN',
            );
            await pipeline(Readable.from(chunks), sink);
          });
          expect(await driver.rows('select count(*)::int as n, max(label) as m from driver_items')).toEqual([
            { n: 2000, m: 'row 999' },
          ]);
        }));
    }
  });
}

/** The parts of a raw result a caller reads (class instances aside). */
function comparable(result: unknown): unknown {
  if (Array.isArray(result)) {
    const r = result as unknown[] & { count?: unknown; command?: unknown; columns?: unknown };
    return { rows: [...r], count: r.count, command: r.command, columns: r.columns };
  }
  const r = result as Record<string, unknown>;
  const keys = ['rows', 'fields', 'command', 'rowCount', 'affectedRows', 'oid'];
  return Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]]));
}

/**
 * The rows of `statement` in array mode, as the driver hands them to Drizzle's session (what the dual-write capture
 * gets). The session's `prepareQuery` differs per line: 0.45 `(query, fields, name, isResponseInArrayMode,
 * customResultMapper)`, 1.0 `(query, mode, name, mapper, queryMetadata, cacheConfig)`.
 */
async function arrayRowsOf(db: AnyPgDatabase, statement: string): Promise<unknown[]> {
  // biome-ignore lint/suspicious/noExplicitAny: the two lines' session signatures differ; checked by the tests
  const session = db._.session as any;
  const query = { sql: statement, params: [] };
  const prepared =
    drizzleLine() === '0.45'
      ? session.prepareQuery(query, undefined, undefined, true, (rows: unknown[][]) => rows)
      : session.prepareQuery(query, 'arrays', undefined, undefined);
  return (await prepared.execute()) as unknown[];
}
