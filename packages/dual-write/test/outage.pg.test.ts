import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriter } from '../src/index.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import type { Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { accounts, allTables, counters, orders, schema } from './support/schema.js';

const cluster = sharedCluster();
let pair: Pair;
cluster.openForFile((opened) => {
  pair = opened;
});
beforeEach(() => pair.reset());

async function writeLoad(db: typeof pair.primary.db, tag: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const [account] = await db
      .insert(accounts)
      .values({ email: `${tag}-${i}@x`, name: tag })
      .returning();
    await db.insert(orders).values({ accountId: account?.id as string, total: i });
    await db
      .insert(counters)
      .values({ name: `${tag}-${i % 3}`, n: i })
      .onConflictDoUpdate({ target: counters.name, set: { n: sql`${counters.n} + excluded.n` } });
    if (i % 4 === 0) await db.delete(counters).where(eq(counters.name, `${tag}-${(i + 1) % 3}`));
  }
}

describe.each(['memory', 'durable'] as const)('backup down, then back (%s mode)', (mode) => {
  let writer: DualWriter;
  afterAll(() => writer?.drain(30_000));

  it('the primary path keeps working while the backup is stopped; the backup converges after it starts', async () => {
    const backupNode = (await cluster.cluster()).backup;
    if (backupNode === undefined) throw new Error('no backup node');
    writer = createDualWriter({
      backup: pair.backup.db,
      primary: pair.primary.db,
      mode,
      schema,
      drainer: { pollIntervalMs: 50 },
    });
    const db = writer.wrap(pair.primary.db);
    await writeLoad(db, 'before', 10);
    expect(await writer.flush(20_000)).toBe(true);

    await backupNode.stop();
    try {
      // Every write succeeds on the primary: no error from the backup reaches the caller.
      await writeLoad(db, 'during', 20);
      await db.transaction(async (tx) => {
        await tx.update(counters).set({ note: 'in-outage' });
      });
      // Let the queue/drainer hit the stopped server at least once.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(writer.metrics().backupReachable).toBe(false);
      if (mode === 'memory') expect(writer.metrics().depth).toBeGreaterThan(0);
    } finally {
      await backupNode.start();
    }
    await writeLoad(db, 'after', 5);
    expect(await writer.flush(60_000)).toBe(true);
    expect(writer.metrics()).toMatchObject({ deadLettered: 0, overflowed: 0, backupReachable: true });
    expect(writer.metrics().retried).toBeGreaterThan(0);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});
