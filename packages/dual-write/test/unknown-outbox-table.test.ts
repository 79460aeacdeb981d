import type { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OutboxDrainer, type OutboxDrainerOptions } from '../src/index.js';
import { expectTablesEqual, rowCount } from './support/expect-tables-equal.js';
import { durableWriterWithoutDrainer, type Pair, pglitePair } from './support/pair.js';
import { accounts, allTables, counters, orderLines, orders, schema } from './support/schema.js';

// A drain-only process must be given the writers' `schema`: rows of tables it does not know stay in the outbox
// (never dead-lettered), loudly, and what may safely go on draining does.
let pair: Pair;
let primaryPg: PGlite;
let db: typeof pair.primary.db;
const drainers: OutboxDrainer[] = [];
let logged: { message: string; context: Record<string, unknown> | undefined }[] = [];

beforeAll(async () => {
  pair = await pglitePair();
  primaryPg = pair.primary.pglite as PGlite;
  db = durableWriterWithoutDrainer(pair).wrap(pair.primary.db);
});
afterAll(async () => {
  await Promise.all(drainers.map((d) => d.stop()));
  await pair?.close();
});
beforeEach(async () => {
  await Promise.all(drainers.splice(0).map((d) => d.stop()));
  logged = [];
  await pair.reset();
});

function drainer(options: Partial<OutboxDrainerOptions>): OutboxDrainer {
  const created = new OutboxDrainer({
    primary: pair.primary.db,
    backup: pair.backup.db,
    tables: schema,
    pollIntervalMs: 20,
    depthRefreshMs: 0,
    logger: {
      warn() {},
      error: (message, context) => logged.push({ message, context: context as Record<string, unknown> }),
    },
    ...options,
  });
  drainers.push(created);
  return created;
}

const outboxTables = async () =>
  (
    await primaryPg.query<{ table_name: string }>(
      'select table_name from multidb.dual_write_outbox order by id',
    )
  ).rows.map((r) => r.table_name);
const deadLetters = async () =>
  (await primaryPg.query('select 1 from multidb.dual_write_dead_letter')).rows.length;

async function newAccount(tag: string): Promise<string> {
  const [account] = await db
    .insert(accounts)
    .values({ email: `${tag}@x`, name: tag })
    .returning({ id: accounts.id });
  return account?.id as string;
}

/** Rounds until one applies nothing more (the background loop is not started: rounds are taken here). */
async function drainWhatItCan(d: OutboxDrainer): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const round = await d.drainOnce();
    if (round.leader && round.applied + round.deadLettered === 0 && round.waitMs === undefined) return;
  }
  throw new Error('the drainer kept applying');
}

/** Then a drainer that has the full schema takes over: everything held is applied, nothing was lost. */
async function fullDrainerConverges(partial: OutboxDrainer): Promise<void> {
  await partial.stop();
  const full = drainer({ tables: schema });
  expect(await full.flush(10_000)).toBe(true);
  expect(await outboxTables()).toEqual([]);
  expect(await deadLetters()).toBe(0);
  await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
}

describe('outbox rows of a table the draining process does not know', () => {
  it('stay in the outbox with a clear UnknownOutboxTable error; tables that do not depend on them drain', async () => {
    const accountId = await newAccount('a');
    await db.insert(orders).values({ accountId, total: 1 });
    await db.insert(counters).values({ name: 'free' });
    // Knows orders and order_lines (children of the accounts it does not know) and counters.
    const d = drainer({ tables: { orders, orderLines, counters } });
    await drainWhatItCan(d);

    expect(await deadLetters()).toBe(0);
    // Orders reference accounts (Drizzle foreign key): they wait with them; counters are independent.
    expect(await outboxTables()).toEqual(['dw.accounts', 'dw.orders']);
    expect(await rowCount(pair.backup.db, counters)).toBe(1);
    expect(await rowCount(pair.backup.db, orders)).toBe(0);
    expect(d.metrics()).toMatchObject({ applied: 1, deadLettered: 0 });
    expect(d.metrics().lastError).toMatch(/dw\.accounts.*draining process.*same `schema`/s);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.message).toMatch(/dw\.accounts/);
    expect(logged[0]?.context).toMatchObject({ code: 'UnknownOutboxTable', tables: 'dw.accounts' });
    // The outbox is not empty: a flush does not pretend it is.
    expect(await d.flush(200)).toBe(false);

    // Later writes of the independent table keep flowing.
    await db.update(counters).set({ n: 5 }).where(eq(counters.name, 'free'));
    await drainWhatItCan(d);
    expect(await pair.backup.db.select({ n: counters.n }).from(counters)).toEqual([{ n: 5 }]);
    await fullDrainerConverges(d);
  });

  it('a primary transaction that also wrote an unknown table is held whole, with its tables', async () => {
    await db.insert(counters).values({ name: 'x', n: 1 });
    await db.transaction(async (tx) => {
      await tx.insert(accounts).values({ email: 'b@x', name: 'b' });
      await tx.update(counters).set({ n: 2 }).where(eq(counters.name, 'x'));
    });
    // A later write of the same row must not overtake the held transaction's write of it.
    await db.update(counters).set({ n: 3 }).where(eq(counters.name, 'x'));
    const d = drainer({ tables: { counters } });
    await drainWhatItCan(d);
    expect(await deadLetters()).toBe(0);
    expect(await outboxTables()).toEqual([
      'public.counters',
      'dw.accounts',
      'public.counters',
      'public.counters',
    ]);
    expect(await rowCount(pair.backup.db, counters)).toBe(0);
    expect(d.metrics().lastError).toMatch(/dw\.accounts.*same `schema`/s);
    await fullDrainerConverges(d);
    expect(await pair.backup.db.select({ n: counters.n }).from(counters)).toEqual([{ n: 3 }]);
  });

  it('more unknown entries than a batch do not starve the known tables', async () => {
    for (let i = 0; i < 12; i++) await newAccount(`many-${i}`);
    await db.insert(counters).values({ name: 'behind' });
    const d = drainer({ tables: { counters }, batchSize: 5 });
    await drainWhatItCan(d);
    expect(await rowCount(pair.backup.db, counters)).toBe(1);
    expect((await outboxTables()).filter((t) => t === 'dw.accounts')).toHaveLength(12);
    await fullDrainerConverges(d);
  });

  it('a drain-only process given no schema at all holds everything and says why', async () => {
    const accountId = await newAccount('c');
    await db.insert(orders).values({ accountId, total: 2 });
    await db.insert(counters).values({ name: 'c' });
    const d = drainer({ tables: [] });
    await drainWhatItCan(d);
    expect(await outboxTables()).toEqual(['dw.accounts', 'dw.orders', 'public.counters']);
    expect(await deadLetters()).toBe(0);
    expect(d.metrics()).toMatchObject({ applied: 0, deadLettered: 0 });
    expect(d.metrics().lastError).toMatch(/public\.counters/);
    const error = logged[0]?.context;
    expect(error).toMatchObject({
      code: 'UnknownOutboxTable',
      tables: 'dw.accounts,dw.orders,public.counters',
    });
    await fullDrainerConverges(d);
  });
});
