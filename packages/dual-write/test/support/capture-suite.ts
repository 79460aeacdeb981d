import type { AnyPgDatabase } from '@multidb/config';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DualWriter, dualWriterOf, withBackup } from '../../src/index.js';
import { expectTablesEqual } from './expect-tables-equal.js';
import { normaliseResult } from './normalise-result.js';
import type { Pair } from './pair.js';
import { accounts, allTables, counters, orderLines, orders, schema } from './schema.js';

type Db = AnyPgDatabase;
const ACCOUNT_A = '00000000-0000-4000-8000-00000000000a';
const ACCOUNT_B = '00000000-0000-4000-8000-00000000000b';
const FIXED = new Date('2024-05-06T07:08:09.123Z');

async function seedCounters(db: Db) {
  await db.insert(counters).values([
    { name: 'a', n: 1 },
    { name: 'b', n: 2 },
    { name: 'c', n: 3 },
  ]);
}

async function seedAccounts(db: Db) {
  await db.insert(accounts).values([
    { id: ACCOUNT_A, email: 'a@x', name: 'Ann', token: 't-a', createdAt: FIXED, updatedAt: FIXED },
    { id: ACCOUNT_B, email: 'b@x', name: 'Bob', token: 't-b', createdAt: FIXED, updatedAt: FIXED },
  ]);
  await db.insert(orders).values([
    { accountId: ACCOUNT_A, total: 10 },
    { accountId: ACCOUNT_B, total: 20 },
  ]);
}

/**
 * One behaviour suite for every target: each mutation kind and result shape runs once on the raw primary and once
 * through the wrapper (after a reset); the caller must get the same result, and the backup must equal the primary.
 */
export function describeCapture(label: string, mode: 'memory' | 'durable', open: () => Promise<Pair>): void {
  describe(`${label}: capture in ${mode} mode`, () => {
    let pair: Pair;
    let raw: Db;
    let db: Db;
    let writer: DualWriter;

    beforeAll(async () => {
      pair = await open();
      raw = pair.primary.db;
      db = withBackup(raw, {
        backup: pair.backup.db,
        mode,
        schema,
        enabled: true,
        drainer: { pollIntervalMs: 20 },
      });
      writer = dualWriterOf(db) as DualWriter;
    });
    afterAll(async () => {
      await writer?.drain(10_000);
      await pair?.close();
    });
    beforeEach(() => pair.reset());

    async function same(run: (db: Db) => Promise<unknown>, seed?: (db: Db) => Promise<void>) {
      await pair.reset();
      await seed?.(raw);
      const expected = normaliseResult(await run(raw));
      await pair.reset();
      await seed?.(db);
      const actual = normaliseResult(await run(db));
      expect(actual).toEqual(expected);
      expect(await writer.flush(20_000)).toBe(true);
      await expectTablesEqual(raw, pair.backup.db, allTables);
      return actual;
    }

    it('insert without returning gives the driver result with counts', async () => {
      await same((d) => d.insert(counters).values({ name: 'x', n: 5 }));
      await same((d) => d.insert(counters).values([{ name: 'x' }, { name: 'y' }]));
    });

    it('insert returning all columns, multi-row', async () => {
      const rows = await same((d) =>
        d
          .insert(counters)
          .values([{ name: 'x', n: 5 }, { name: 'y' }])
          .returning(),
      );
      expect(rows).toHaveLength(2);
    });

    it('insert returning a partial selection with SQL expressions', async () => {
      await same((d) =>
        d
          .insert(counters)
          .values([{ name: 'x', n: 5 }, { name: 'y' }])
          .returning({
            key: counters.id,
            loud: sql<string>`upper(${counters.name})`,
            twice: sql<number>`${counters.n} * 2`,
          }),
      );
    });

    it('onConflictDoNothing returns and backs up only inserted rows', async () => {
      const rows = await same(
        (d) =>
          d
            .insert(counters)
            .values([
              { name: 'a', n: 100 },
              { name: 'z', n: 26 },
            ])
            .onConflictDoNothing()
            .returning(),
        seedCounters,
      );
      expect(rows).toHaveLength(1);
      await same(
        (d) =>
          d
            .insert(counters)
            .values([{ name: 'a' }, { name: 'z' }])
            .onConflictDoNothing({ target: counters.name }),
        seedCounters,
      );
    });

    it('onConflictDoUpdate backs up the final rows', async () => {
      await same(
        (d) =>
          d
            .insert(counters)
            .values([
              { name: 'a', n: 5 },
              { name: 'q', n: 7 },
            ])
            .onConflictDoUpdate({
              target: counters.name,
              set: { n: sql`${counters.n} + excluded.n`, note: 'merged' },
            })
            .returning({ id: counters.id, n: counters.n }),
        seedCounters,
      );
    });

    it('update with and without returning, and matching nothing', async () => {
      await same((d) => d.update(counters).set({ n: 9 }).where(gt(counters.n, 1)), seedCounters);
      await same(
        (d) =>
          d.update(counters).set({ note: 'hi' }).where(eq(counters.name, 'b')).returning({ n: counters.n }),
        seedCounters,
      );
      await same((d) => d.update(counters).set({ n: 0 }).where(eq(counters.name, 'nope')), seedCounters);
    });

    it('update ... from returns the joined table too; only the updated table is backed up', async () => {
      const rows = await same(
        (d) =>
          d
            .update(orders)
            .set({ status: 'paid' })
            .from(accounts)
            .where(and(eq(orders.accountId, accounts.id), eq(accounts.email, 'a@x')))
            .returning(),
        seedAccounts,
      );
      expect(rows).toMatchObject([{ status: 'paid', accounts: { email: 'a@x' } }]);
    });

    it('delete with and without returning', async () => {
      await same((d) => d.delete(counters).where(gt(counters.n, 1)), seedCounters);
      await same(
        (d) => d.delete(counters).where(eq(counters.name, 'a')).returning({ gone: counters.name }),
        seedCounters,
      );
    });

    it('insert ... select', async () => {
      await same(
        (d) =>
          d
            .insert(counters)
            .select(sql`select nextval('counters_id_seq'), 'copy-' || name, n * 10, 'copied' from counters`)
            .returning({ name: counters.name }),
        seedCounters,
      );
    });

    it('a prepared statement executed twice captures both executions', async () => {
      await same(async (d) => {
        const prepared = d
          .insert(counters)
          .values({ name: sql.placeholder('name'), n: 1 })
          .returning()
          .prepare(`ins_counter_${mode}`);
        return [...(await prepared.execute({ name: 'p1' })), ...(await prepared.execute({ name: 'p2' }))];
      });
    });

    it('update through db.with(...)', async () => {
      await same((d) => {
        const big = d.$with('big').as(d.select({ id: counters.id }).from(counters).where(gt(counters.n, 1)));
        return d
          .with(big)
          .update(counters)
          .set({ note: 'big' })
          .where(inArray(counters.id, d.select({ id: big.id }).from(big)))
          .returning({ id: counters.id });
      }, seedCounters);
    });

    it('JS and SQL defaults reach the backup as the primary made them (never re-run)', async () => {
      await db.insert(accounts).values([
        { email: 'd1@x', name: 'Dee' },
        { email: 'd2@x', name: 'Dan', big: 9007199254740993n, balance: '12345678901234567890.123456' },
      ]);
      await db
        .update(accounts)
        .set({ meta: { nested: { list: [1, 'two', null] }, at: '2024-01-01' } })
        .where(eq(accounts.email, 'd2@x'));
      expect(await writer.flush(20_000)).toBe(true);
      const [row] = await pair.backup.db.select().from(accounts).where(eq(accounts.email, 'd2@x'));
      expect(row?.updatedAt).toBeInstanceOf(Date);
      expect(row?.token).toMatch(/^tok-/);
      expect(row?.shout).toBe('DAN');
      await expectTablesEqual(raw, pair.backup.db, allTables);
    });

    it('identity columns and composite keys', async () => {
      await seedAccounts(db);
      const [order] = await db.insert(orders).values({ accountId: ACCOUNT_A, total: 5 }).returning();
      const parent = order?.id as number;
      await db.insert(orders).values({ accountId: ACCOUNT_A, total: 6, parentId: parent });
      await db.insert(orderLines).values([
        { orderId: parent, line: 1, sku: 's1', qty: 1 },
        { orderId: parent, line: 2, sku: 's2', qty: 2 },
      ]);
      await db
        .update(orderLines)
        .set({ qty: 9 })
        .where(and(eq(orderLines.orderId, parent), eq(orderLines.line, 2)));
      await db.delete(orderLines).where(and(eq(orderLines.orderId, parent), eq(orderLines.line, 1)));
      expect(await writer.flush(20_000)).toBe(true);
      await expectTablesEqual(raw, pair.backup.db, allTables);
      expect(await pair.backup.db.select().from(orderLines)).toEqual([
        { orderId: parent, line: 2, sku: 's2', qty: 9 },
      ]);
    });
  });
}
