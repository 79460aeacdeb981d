import type { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriter, OutboxDrainer, type OutboxDrainerOptions } from '../src/index.js';
import { expectTablesEqual, rowCount } from './support/expect-tables-equal.js';
import { fakeTime } from './support/fake-time.js';
import { type Pair, pglitePair } from './support/pair.js';
import { accounts, allTables, counters, orders, schema } from './support/schema.js';

let pair: Pair;
let primaryPg: PGlite;
let backupPg: PGlite;
let writer: DualWriter;
let db: typeof pair.primary.db;
const drainers: OutboxDrainer[] = [];

beforeAll(async () => {
  pair = await pglitePair();
  primaryPg = pair.primary.pglite as PGlite;
  backupPg = pair.backup.pglite as PGlite;
  // No drainer inside the writer: each test decides who drains (as separate processes would).
  writer = createDualWriter({
    backup: pair.backup.db,
    primary: pair.primary.db,
    mode: 'durable',
    drainer: false,
  });
  db = writer.wrap(pair.primary.db);
});
afterAll(async () => {
  await Promise.all(drainers.map((d) => d.stop()));
  await pair?.close();
});
beforeEach(async () => {
  await Promise.all(drainers.splice(0).map((d) => d.stop()));
  await pair.reset();
});

function drainer(options: Partial<OutboxDrainerOptions> = {}): OutboxDrainer {
  const created = new OutboxDrainer({
    primary: pair.primary.db,
    backup: pair.backup.db,
    tables: schema,
    ...options,
  });
  drainers.push(created);
  return created;
}

const outbox = async () =>
  (
    await primaryPg.query<{
      table_name: string;
      op: string;
      entity_key: string;
      row_data: Record<string, unknown>;
    }>('select table_name, op, entity_key, row_data from multidb.dual_write_outbox order by id')
  ).rows;

describe('durable mode: the outbox', () => {
  it("gets the full returned rows, as the primary's exact texts, in the same statement as the mutation", async () => {
    await db.insert(counters).values({ name: 'a', n: 1 });
    await db.update(counters).set({ note: 'x' }).where(eq(counters.name, 'a'));
    await db.delete(counters).where(eq(counters.name, 'a'));
    expect(await outbox()).toEqual([
      {
        table_name: 'public.counters',
        op: 'upsert',
        entity_key: '[1]',
        row_data: { id: '1', name: 'a', n: '1', note: null },
      },
      {
        table_name: 'public.counters',
        op: 'upsert',
        entity_key: '[1]',
        row_data: { id: '1', name: 'a', n: '1', note: 'x' },
      },
      {
        table_name: 'public.counters',
        op: 'delete',
        entity_key: '[1]',
        row_data: { id: '1', name: 'a', n: '1', note: 'x' },
      },
    ]);
  });

  it('a failing statement leaves nothing in the outbox', async () => {
    await db.insert(counters).values({ name: 'a' });
    await expect(db.insert(counters).values([{ name: 'b' }, { name: 'a' }])).rejects.toThrow();
    expect(await outbox()).toHaveLength(1);
  });

  it('a restarted drainer applies what a crashed process committed, and deletes it', async () => {
    await db
      .insert(accounts)
      .values({ email: 'a@x', name: 'A', big: 9007199254740993n, balance: '1.000001' });
    const [account] = await pair.primary.db.select().from(accounts);
    await db.insert(orders).values({ accountId: account?.id as string, total: 1 });
    await db.update(accounts).set({ meta: { deep: [1, { two: 2 }] } });
    const d = drainer();
    expect(await d.flush(10_000)).toBe(true);
    expect(await outbox()).toEqual([]);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
    expect(d.metrics()).toMatchObject({ mode: 'durable', applied: 3, depth: 0 });
  });

  it('re-applying entries that were applied but not yet deleted (crash after the backup commit) is harmless', async () => {
    await db.insert(counters).values({ name: 'a', n: 1 });
    const copy = await primaryPg.query('select * from multidb.dual_write_outbox');
    expect(await drainer().flush(10_000)).toBe(true);
    await db.update(counters).set({ n: 2 }).where(eq(counters.name, 'a'));
    // The stale entry comes back with its original (lower) id: the newer write still wins.
    await primaryPg.query(
      `insert into multidb.dual_write_outbox select * from jsonb_populate_recordset(null::multidb.dual_write_outbox, $1)`,
      [JSON.stringify(copy.rows)],
    );
    expect(await drainers[0]?.flush(10_000)).toBe(true);
    expect(await pair.backup.db.select({ n: counters.n }).from(counters)).toEqual([{ n: 2 }]);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});

describe('durable mode: drainers', () => {
  it('rounds never overlap: a flush during the background loop reads each entry once', async () => {
    const d = drainer({ pollIntervalMs: 5, lingerMs: 0 });
    for (let i = 0; i < 20; i++) await db.insert(counters).values({ name: `r${i}`, n: i });
    // Two rounds asked for at once (a flush and the loop, or two flushes) share the work instead of both reading,
    // applying and settling the same batch: a slower one would write its stale rows over newer ones.
    const rounds = await Promise.all([d.drainOnce(), d.drainOnce(), d.drainOnce()]);
    expect(rounds.map((r) => r.read)).toEqual([20, 0, 0]);
    expect(d.metrics().applied).toBe(20);

    d.start();
    const writes = (async () => {
      for (let i = 0; i < 60; i++)
        await db
          .update(counters)
          .set({ n: 1000 + i })
          .where(eq(counters.name, 'r0'));
    })();
    const flushes = Promise.all([d.flush(10_000), d.flush(10_000)]);
    await writes;
    expect(await flushes).toEqual([true, true]);
    expect(await d.flush(10_000)).toBe(true);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('exactly one of two drainers leads; the other takes over when it stops', async () => {
    const first = drainer({ pollIntervalMs: 10 });
    const second = drainer({ pollIntervalMs: 10 });
    expect((await first.drainOnce()).leader).toBe(true);
    expect((await second.drainOnce()).leader).toBe(false);
    await db.insert(counters).values({ name: 'a' });
    expect(await second.flush(1000)).toBe(false);
    expect(await first.flush(10_000)).toBe(true);
    await first.stop();
    await db.insert(counters).values({ name: 'b' });
    expect(await second.flush(10_000)).toBe(true);
    expect(second.isLeader).toBe(true);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('a deposed leader is fenced off the backup and steps down', async () => {
    const d = drainer();
    await db.insert(counters).values({ name: 'a' });
    expect(await d.flush(10_000)).toBe(true);
    // A newer leader (higher epoch) wrote to the backup meanwhile.
    await backupPg.exec('update multidb.dual_write_fence set epoch = epoch + 100');
    await db.insert(counters).values({ name: 'b' });
    const round = await d.drainOnce();
    expect(round).toMatchObject({ leader: false, applied: 0 });
    expect(await outbox()).toHaveLength(1);
    expect(await rowCount(pair.backup.db, counters)).toBe(1);
  });

  it('dead-letters rows the backup keeps rejecting and keeps draining the others', async () => {
    const time = fakeTime();
    const d = drainer({ clock: time.clock });
    await backupPg.exec(`alter table counters add constraint backup_only check (n < 1000)`);
    try {
      await db.insert(counters).values({ name: 'bad', n: 5000 });
      await db.insert(counters).values({ name: 'good', n: 1 });
      expect(await d.flush(60_000)).toBe(true);
      expect(d.metrics()).toMatchObject({ applied: 1, deadLettered: 1 });
      const letters = await primaryPg.query<{
        source: string;
        code: string;
        attempts: number;
        entity_keys: string[];
      }>('select source, code, attempts, entity_keys from multidb.dual_write_dead_letter');
      expect(letters.rows).toEqual([
        { source: 'outbox', code: '23514', attempts: 4, entity_keys: ['public.counters:[1]'] },
      ]);
      expect(time.sleeps).toEqual([100, 500, 2000]);
    } finally {
      await backupPg.exec('alter table counters drop constraint backup_only');
    }
  });

  it('applies parents before children within a round, and keeps a writer-side drainer working', async () => {
    const local = createDualWriter({
      backup: pair.backup.db,
      primary: pair.primary.db,
      mode: 'durable',
      schema,
      drainer: { pollIntervalMs: 10 },
    });
    const wrapped = local.wrap(pair.primary.db);
    try {
      for (let i = 0; i < 5; i++) {
        const [a] = await wrapped
          .insert(accounts)
          .values({ email: `${i}@x`, name: `n${i}` })
          .returning();
        await wrapped.insert(orders).values({ accountId: a?.id as string, total: i });
        await wrapped
          .update(accounts)
          .set({ name: sql`${accounts.name} || '!'` })
          .where(eq(accounts.id, a?.id as string));
      }
      expect(await local.flush(10_000)).toBe(true);
      await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
      expect(local.metrics()).toMatchObject({ failed: 0, deadLettered: 0 });
    } finally {
      await local.drain(10_000);
    }
  });
});
