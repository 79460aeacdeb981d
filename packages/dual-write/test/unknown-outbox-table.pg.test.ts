import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { OutboxDrainer } from '../src/index.js';
import { expectTablesEqual, rowCount } from './support/expect-tables-equal.js';
import { durableWriterWithoutDrainer, type Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { accounts, allTables, counters, orders, schema } from './support/schema.js';

// The same rule on PostgreSQL (postgres.js prepared statements, the skip list as a text[] parameter): rows of a
// table the draining process does not know stay in the outbox, the independent ones drain.
const cluster = sharedCluster();
let pair: Pair;
cluster.openForFile((opened) => {
  pair = opened;
});
const drainers: OutboxDrainer[] = [];
beforeEach(() => pair.reset());
afterEach(async () => {
  await Promise.all(drainers.splice(0).map((d) => d.stop()));
});

function drainer(tables: Record<string, unknown>, batchSize = 5): OutboxDrainer {
  const created = new OutboxDrainer({
    primary: pair.primary.db,
    backup: pair.backup.db,
    tables,
    batchSize,
    pollIntervalMs: 20,
  });
  drainers.push(created);
  return created;
}

const outboxCount = async (table: string) => {
  const rows = await pair.primary.db.execute(
    sql`select count(*)::int as n from multidb.dual_write_outbox where table_name = ${table}`,
  );
  return Number((rows as unknown as { n: number }[])[0]?.n);
};

it('holds the unknown table and its children, drains the rest, loses nothing', async () => {
  const db = durableWriterWithoutDrainer(pair).wrap(pair.primary.db);
  for (let i = 0; i < 8; i++) {
    const [account] = await db
      .insert(accounts)
      .values({ email: `${i}@x`, name: `a${i}` })
      .returning({ id: accounts.id });
    await db.insert(orders).values({ accountId: account?.id as string, total: i });
  }
  for (let i = 0; i < 3; i++) await db.insert(counters).values({ name: `c${i}` });
  const partial = drainer({ orders, counters });
  // The loop runs on its own; it can only ever apply the counters.
  partial.start();
  const deadline = Date.now() + 30_000;
  while ((await rowCount(pair.backup.db, counters)) < 3) {
    if (Date.now() > deadline) throw new Error('counters never reached the backup');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await outboxCount('dw.accounts')).toBe(8);
  expect(await outboxCount('dw.orders')).toBe(8);
  expect(await rowCount(pair.backup.db, orders)).toBe(0);
  expect(partial.metrics()).toMatchObject({ deadLettered: 0, applied: 3 });
  expect(partial.metrics().lastError).toMatch(/dw\.accounts.*same `schema`/s);
  expect(await partial.flush(300)).toBe(false);
  await partial.stop();

  const full = drainer(schema, 500);
  expect(await full.flush(30_000)).toBe(true);
  expect(await outboxCount('dw.accounts')).toBe(0);
  await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
});
