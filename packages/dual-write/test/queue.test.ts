import type { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriter, type DualWriterOptions } from '../src/index.js';
import { blockPglite } from './support/block-backup.js';
import { expectTablesEqual, rowCount } from './support/expect-tables-equal.js';
import { fakeTime } from './support/fake-time.js';
import { type Pair, pglitePair } from './support/pair.js';
import { accounts, allTables, counters, orderLines, orders, schema } from './support/schema.js';

let pair: Pair;
let backupPg: PGlite;
beforeAll(async () => {
  pair = await pglitePair();
  backupPg = pair.backup.pglite as PGlite;
  // Backup-only instrumentation: how many row writes and statements reach `counters`.
  await backupPg.exec(`
    create table row_writes (n int);
    create table statements (n int);
    create function log_row() returns trigger language plpgsql as $$ begin insert into row_writes values (1); return null; end $$;
    create function log_statement() returns trigger language plpgsql as $$ begin insert into statements values (1); return null; end $$;
    create trigger counters_rows after insert or update on counters for each row execute function log_row();
    create trigger counters_statements after insert on counters for each statement execute function log_statement();`);
});
afterAll(() => pair?.close());
beforeEach(async () => {
  await pair.reset();
  await backupPg.exec('truncate row_writes, statements');
});

/** Lets the queue's background loop (scheduled with setImmediate) take what is queued. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

const count = async (table: string) =>
  Number((await backupPg.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n);

function writer(options: Partial<DualWriterOptions> = {}): {
  writer: DualWriter;
  db: typeof pair.primary.db;
} {
  const w = createDualWriter({
    backup: pair.backup.db,
    primary: pair.primary.db,
    schema,
    lingerMs: 0,
    ...options,
  });
  return { writer: w, db: w.wrap(pair.primary.db) };
}

describe('ordering and batching', () => {
  it('keeps the backup equal to the primary under many interleaved concurrent writes', async () => {
    const { db, writer: w } = writer({ batchSize: 7 });
    await db.insert(counters).values(Array.from({ length: 10 }, (_, i) => ({ name: `c${i}` })));
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const operations = Array.from({ length: 300 }, (_, i) => {
      const name = `c${random(12)}`;
      switch (random(4)) {
        case 0:
          return db
            .update(counters)
            .set({ n: sql`${counters.n} + 1` })
            .where(eq(counters.name, name));
        case 1:
          return db.delete(counters).where(eq(counters.name, name));
        case 2:
          return db
            .insert(counters)
            .values({ name, n: i })
            .onConflictDoUpdate({ target: counters.name, set: { note: `v${i}` } });
        default:
          return db.transaction(async (tx) => {
            await tx
              .update(counters)
              .set({ note: `t${i}` })
              .where(eq(counters.name, name));
            await tx
              .insert(counters)
              .values({ name: `${name}-t${i}` })
              .onConflictDoNothing();
          });
      }
    });
    await Promise.all(operations);
    expect(await w.flush(20_000)).toBe(true);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
    expect(w.metrics()).toMatchObject({ depth: 0, failed: 0, deadLettered: 0, overflowed: 0 });
  });

  it('coalesces repeated writes of one row and batches rows into one multi-row statement per table', async () => {
    const { db, writer: w } = writer();
    const release = await blockPglite(backupPg);
    try {
      await db.insert(counters).values({ name: 'first' });
      await tick();
      for (let i = 0; i < 20; i++) await db.insert(counters).values({ name: `row-${i}` });
      for (let i = 0; i < 30; i++) await db.update(counters).set({ n: i }).where(eq(counters.name, 'row-3'));
    } finally {
      await release();
    }
    expect(await w.flush(10_000)).toBe(true);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
    // 'first' alone (it was in flight when the backup blocked), then ONE statement writing 20 rows once each.
    expect(await count('statements')).toBe(2);
    expect(await count('row_writes')).toBe(21);
    expect(w.metrics()).toMatchObject({ applied: 51, batches: 2 });
  });

  it('applies parents before children and children-deletes before parent-deletes, whatever the batch holds', async () => {
    const { db, writer: w } = writer();
    const release = await blockPglite(backupPg);
    try {
      await db.insert(counters).values({ name: 'in-flight' });
      await tick();
      const [a] = await db.insert(accounts).values({ email: 'a@x', name: 'A' }).returning();
      const [b] = await db.insert(accounts).values({ email: 'b@x', name: 'B' }).returning();
      const [o] = await db
        .insert(orders)
        .values({ accountId: a?.id as string, total: 1 })
        .returning();
      const id = o?.id as number;
      const [child] = await db
        .insert(orders)
        .values({ accountId: a?.id as string, total: 2, parentId: id })
        .returning();
      await db.insert(orderLines).values({ orderId: id, line: 1, sku: 's', qty: 1 });
      // A child moves to another parent, then the old parent goes.
      const [c] = await db.insert(accounts).values({ email: 'c@x', name: 'C' }).returning();
      const [moving] = await db
        .insert(orders)
        .values({ accountId: c?.id as string, total: 3 })
        .returning();
      await db
        .update(orders)
        .set({ accountId: b?.id as string })
        .where(eq(orders.id, moving?.id as number));
      await db.delete(accounts).where(eq(accounts.id, c?.id as string));
      // Children deleted, then their parent.
      await db.delete(orderLines).where(eq(orderLines.orderId, id));
      await db.delete(orders).where(eq(orders.id, child?.id as number));
      await db.delete(orders).where(eq(orders.id, id));
      // The accounts' last writes come after their children's: ordering rows by last write alone breaks the FKs.
      await db
        .update(accounts)
        .set({ name: 'A2' })
        .where(eq(accounts.id, a?.id as string));
      await db
        .update(accounts)
        .set({ name: 'B2' })
        .where(eq(accounts.id, b?.id as string));
    } finally {
      await release();
    }
    expect(await w.flush(10_000)).toBe(true);
    expect(w.metrics()).toMatchObject({ failed: 0, deadLettered: 0 });
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});

describe('lingering', () => {
  it('lets a stream of single-row writes form full batches; a flush does not wait for the linger', async () => {
    const { db, writer: w } = writer({ batchSize: 10, lingerMs: 60_000 });
    for (let i = 0; i < 25; i++) {
      await db.insert(counters).values({ name: `s${i}` });
      await tick();
    }
    for (let i = 0; i < 200 && w.metrics().applied < 20; i++) await new Promise((r) => setTimeout(r, 10));
    expect(w.metrics()).toMatchObject({ applied: 20, depth: 5, batches: 2 });
    expect(await w.flush(5_000)).toBe(true);
    expect(await count('statements')).toBe(3);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});

describe('retries and dead letters', () => {
  it('retries rejected rows after 100 and 500 ms and applies them once the backup accepts them', async () => {
    const time = fakeTime(async (_ms, sleeps) => {
      if (sleeps.length === 2) await backupPg.exec('alter table counters_away rename to counters');
    });
    const { db, writer: w } = writer({ clock: time.clock });
    await backupPg.exec('alter table counters rename to counters_away');
    await db.insert(counters).values({ name: 'late' });
    expect(await w.flush()).toBe(true);
    expect(time.sleeps).toEqual([100, 500]);
    expect(w.metrics()).toMatchObject({ applied: 1, failed: 2, retried: 2, deadLettered: 0 });
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('dead-letters rows after 100/500/2000 ms, redacted, while other rows and later writes flow', async () => {
    const time = fakeTime();
    const logged: string[] = [];
    const logger = {
      warn: (m: string, c?: object) => logged.push(m + JSON.stringify(c)),
      error: (m: string, c?: object) => logged.push(m + JSON.stringify(c)),
    };
    const { db, writer: w } = writer({ clock: time.clock, deadLetterTable: true, logger });
    await backupPg.exec(
      `alter table counters add constraint backup_only check (note is null or note not like 'postgres%')`,
    );
    const secret = 'postgres://bob:hunter2@db.example.com/app';
    try {
      await db.insert(counters).values({ name: 'bad', note: secret });
      await db.insert(counters).values({ name: 'good' });
      await db.update(counters).set({ n: 1 }).where(eq(counters.name, 'good'));
      expect(await w.flush()).toBe(true);
      expect(time.sleeps).toEqual([100, 500, 2000]);
      const [letter] = w.deadLetters();
      expect(letter).toMatchObject({
        attempts: 4,
        code: '23514',
        keys: ['public.counters:["1"]'],
        tables: ['public.counters'],
      });
      expect(letter?.error).toContain('backup_only');
      expect(`${letter?.error}${logged.join()}`).not.toContain('hunter2');
      expect(w.metrics()).toMatchObject({ deadLettered: 1, applied: 2 });
      const recorded = await pair.primary.pglite?.query<{ error: string; source: string }>(
        'select error, source from multidb.dual_write_dead_letter',
      );
      expect(recorded?.rows).toMatchObject([{ source: 'memory' }]);
      expect(recorded?.rows[0]?.error).not.toContain('hunter2');
      expect(await rowCount(pair.backup.db, counters)).toBe(1);
      // A later write of the dead-lettered row carries its latest state and is applied normally.
      await backupPg.exec('alter table counters drop constraint backup_only');
      const report = await w.retryDeadLetters(10_000);
      expect(report).toMatchObject({ rows: 1, upserted: 1, applied: true });
      await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
    } finally {
      await backupPg.exec('alter table counters drop constraint if exists backup_only');
    }
  });

  it('keeps per-row order: a later write of a row waits behind its failing write', async () => {
    const time = fakeTime(async (_ms, sleeps) => {
      if (sleeps.length === 1) {
        // While the bad row waits for its retry, its row gets a valid state and another row is written.
        await db.update(counters).set({ note: 'fixed' }).where(eq(counters.name, 'bad'));
        await db.insert(counters).values({ name: 'other' });
      }
      if (sleeps.length === 2) await backupPg.exec('alter table counters drop constraint backup_only');
    });
    const { db, writer: w } = writer({ clock: time.clock });
    await backupPg.exec(
      `alter table counters add constraint backup_only check (note is distinct from 'poison')`,
    );
    await db.insert(counters).values({ name: 'bad', note: 'poison' });
    expect(await w.flush()).toBe(true);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
    expect(w.metrics()).toMatchObject({ deadLettered: 0, applied: 3 });
  });
});

describe('bounded memory', () => {
  it('records what did not fit (counted, by key) and repairs it from the primary in one call', async () => {
    const { db, writer: w } = writer({ maxDepth: 5 });
    const release = await blockPglite(backupPg);
    try {
      await db.insert(counters).values({ name: 'in-flight' });
      await tick();
      for (let i = 0; i < 12; i++) await db.insert(counters).values({ name: `r${i}` });
      await db.update(counters).set({ n: 9 }).where(eq(counters.name, 'r11'));
      await db.delete(counters).where(eq(counters.name, 'r10'));
      // Five rows held (one in flight, four queued: the limit), the other ten recorded by key (8 distinct rows).
      expect(w.metrics()).toMatchObject({ depth: 5, overflowed: 10 });
      expect(w.overflow()).toEqual({ keys: 8, tables: { 'public.counters': 8 }, needsFullSync: [] });
    } finally {
      await release();
    }
    expect(await w.flush(10_000)).toBe(true);
    expect(await rowCount(pair.backup.db, counters)).toBe(5);
    const report = await w.repairOverflow(10_000);
    expect(report).toMatchObject({ rows: 8, upserted: 7, deleted: 1, applied: true });
    expect(w.overflow().keys).toBe(0);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('after drain() the writer accepts nothing more but still records it', async () => {
    const { db, writer: w } = writer();
    await db.insert(counters).values({ name: 'before' });
    expect(await w.drain(10_000)).toBe(true);
    await db.insert(counters).values({ name: 'after' });
    expect(w.metrics()).toMatchObject({ applied: 1, overflowed: 1 });
    expect(w.overflow().keys).toBe(1);
  });
});
