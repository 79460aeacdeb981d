import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriter, OutboxDrainer } from '../src/index.js';
import { expectTablesEqual, rowCount } from './support/expect-tables-equal.js';
import { type Pair, pglitePair } from './support/pair.js';
import { accounts, allTables, counters, orderLines, orders, schema } from './support/schema.js';

let pair: Pair;
beforeAll(async () => {
  pair = await pglitePair();
});
afterAll(() => pair?.close());
beforeEach(() => pair.reset());

const outboxCount = async () =>
  Number(
    (
      await pair.primary.pglite?.query<{ n: number }>(
        'select count(*)::int as n from multidb.dual_write_outbox',
      )
    )?.rows[0]?.n,
  );

describe.each(['memory', 'durable'] as const)('transactions in %s mode', (mode) => {
  let writer: DualWriter;
  const db = () => writer.wrap(pair.primary.db);
  /** Durable mode: no drainer in the writer; a separate one (as after a restart) applies the outbox. */
  const settle = async () => {
    if (mode === 'memory') {
      expect(await writer.flush(10_000)).toBe(true);
      return;
    }
    const drainer = new OutboxDrainer({ primary: pair.primary.db, backup: pair.backup.db, tables: schema });
    expect(await drainer.flush(10_000)).toBe(true);
    await drainer.stop();
  };

  beforeAll(() => {
    writer = createDualWriter({
      backup: pair.backup.db,
      primary: pair.primary.db,
      mode,
      schema,
      drainer: false,
    });
  });

  it('captures inside, applies after the commit, in order, as one backup transaction', async () => {
    await db().transaction(async (tx) => {
      const [account] = await tx.insert(accounts).values({ email: 't@x', name: 'T' }).returning();
      const [order] = await tx
        .insert(orders)
        .values({ accountId: account?.id as string, total: 1 })
        .returning();
      await tx.insert(orderLines).values({ orderId: order?.id as number, line: 1, sku: 's', qty: 1 });
      await tx
        .update(orders)
        .set({ total: 2 })
        .where(eq(orders.id, order?.id as number));
      await tx.insert(counters).values({ name: 'in-tx' });
      expect(writer.metrics().depth).toBe(0);
    });
    await settle();
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
    expect(await pair.backup.db.select({ total: orders.total }).from(orders)).toEqual([{ total: 2 }]);
    const xmins = await pair.backup.pglite?.query<{ x: string }>(
      `select distinct xmin::text as x from (select xmin from dw.accounts union all select xmin from dw.orders
        union all select xmin from dw.order_lines union all select xmin from counters) t`,
    );
    expect(xmins?.rows).toHaveLength(1);
  });

  it('discards everything on rollback (throw or tx.rollback())', async () => {
    await expect(
      db().transaction(async (tx) => {
        await tx.insert(counters).values({ name: 'gone' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      db().transaction(async (tx) => {
        await tx.insert(counters).values({ name: 'gone-too' });
        tx.rollback();
      }),
    ).rejects.toThrow();
    await settle();
    expect(writer.metrics().depth).toBe(0);
    expect(await outboxCount()).toBe(0);
    expect(await rowCount(pair.backup.db, counters)).toBe(0);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('a rolled-back savepoint discards only its own writes (and those of savepoints inside it)', async () => {
    await db().transaction(async (tx) => {
      await tx.insert(counters).values({ name: 'outer-before' });
      await expect(
        tx.transaction(async (sp) => {
          await sp.insert(counters).values({ name: 'savepoint' });
          await sp.transaction(async (inner) => {
            await inner.insert(counters).values({ name: 'inner-ok' });
          });
          throw new Error('undo savepoint');
        }),
      ).rejects.toThrow('undo savepoint');
      await tx.transaction(async (sp) => {
        await sp.update(counters).set({ n: 5 }).where(eq(counters.name, 'outer-before'));
        await sp.insert(counters).values({ name: 'kept' });
      });
      await tx.insert(counters).values({ name: 'outer-after' });
    });
    await settle();
    const names = await pair.backup.db.select({ name: counters.name, n: counters.n }).from(counters);
    expect(names.map((r) => r.name).sort()).toEqual(['kept', 'outer-after', 'outer-before']);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('statements outside and inside transactions interleave in commit order', async () => {
    const wrapped = db();
    await wrapped.insert(counters).values({ name: 'x', n: 1 });
    await wrapped.transaction(async (tx) => {
      await tx
        .update(counters)
        .set({ n: sql`${counters.n} + 10` })
        .where(eq(counters.name, 'x'));
    });
    await wrapped
      .update(counters)
      .set({ n: sql`${counters.n} * 2` })
      .where(eq(counters.name, 'x'));
    await wrapped.delete(counters).where(eq(counters.name, 'x'));
    await wrapped.insert(counters).values({ name: 'x', n: 7 });
    await settle();
    expect(await pair.backup.db.select({ n: counters.n }).from(counters)).toEqual([{ n: 7 }]);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});
