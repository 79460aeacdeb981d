import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { OutboxDrainer } from '../src/index.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import { durableWriterWithoutDrainer, type Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { allTables, counters, schema } from './support/schema.js';

// Found by the chaos suite (two processes updating the same rows, outbox mode). Outbox ids are taken as rows are
// written, not at commit: transactions that interleave must still reach the backup in commit order.
const cluster = sharedCluster();
let pair: Pair;
cluster.openForFile((opened) => {
  pair = opened;
});

it('a transaction that wrote first but committed last wins on the backup, as on the primary', async () => {
  await pair.reset();
  const writer = durableWriterWithoutDrainer(pair);
  const db = writer.wrap(pair.primary.db);
  await db.insert(counters).values([{ name: 'x' }, { name: 'y' }]);

  let bCommitted: () => void = () => {};
  const afterB = new Promise<void>((resolve) => {
    bCommitted = resolve;
  });
  let aWroteY: () => void = () => {};
  const yWritten = new Promise<void>((resolve) => {
    aWroteY = resolve;
  });
  // A: writes y (outbox id 1), waits for B, then writes x (id 3) and commits last.
  const a = db.transaction(async (tx) => {
    await tx.update(counters).set({ n: 10 }).where(eq(counters.name, 'y'));
    aWroteY();
    await afterB;
    await tx.update(counters).set({ n: 30 }).where(eq(counters.name, 'x'));
  });
  await yWritten;
  // B: writes x (id 2) and commits while A is still open.
  await db.transaction(async (tx) => {
    await tx.update(counters).set({ n: 20 }).where(eq(counters.name, 'x'));
  });
  bCommitted();
  await a;

  const drainer = new OutboxDrainer({ primary: pair.primary.db, backup: pair.backup.db, tables: schema });
  try {
    expect(await drainer.flush(10_000)).toBe(true);
  } finally {
    await drainer.stop();
  }
  const [x] = await pair.backup.db.select().from(counters).where(eq(counters.name, 'x'));
  expect(x?.n).toBe(30);
  await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
});
