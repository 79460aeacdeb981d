import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, OutboxDrainer } from '../src/index.js';
import { blockPglite } from './support/block-backup.js';
import { durableWriterWithoutDrainer, type Pair, pglitePair } from './support/pair.js';
import { counters, schema } from './support/schema.js';

// `failed` counts rows the backup rejected; the transactions spent finding them in a batch are `rollbacks`.
let pair: Pair;
let backupPg: PGlite;

beforeAll(async () => {
  pair = await pglitePair();
  backupPg = pair.backup.pglite as PGlite;
});
afterAll(() => pair?.close());
beforeEach(async () => {
  await pair.reset();
  await backupPg.exec('alter table counters drop constraint if exists backup_only');
  await backupPg.exec('alter table counters add constraint backup_only check (n < 1000)');
});
afterAll(() => backupPg.exec('alter table counters drop constraint if exists backup_only'));

const rows = [
  { name: 'g1', n: 1 },
  { name: 'g2', n: 2 },
  { name: 'bad', n: 5000 },
  { name: 'g3', n: 3 },
];

describe('failure counters', () => {
  it('memory mode: one rejected row among several is 1 failed row, not the rollbacks that isolated it', async () => {
    const writer = createDualWriter({ backup: pair.backup.db, retryDelaysMs: [] });
    const db = writer.wrap(pair.primary.db);
    // Held back so that the rows reach the backup together, as one batch (or two).
    const release = await blockPglite(backupPg);
    try {
      for (const row of rows) await db.insert(counters).values(row);
    } finally {
      await release();
    }
    expect(await writer.flush(10_000)).toBe(true);
    const metrics = writer.metrics();
    expect(metrics).toMatchObject({ applied: 3, failed: 1, deadLettered: 1 });
    // The batch holding the bad row failed, then the half holding it, then the row alone.
    expect(metrics.rollbacks).toBeGreaterThanOrEqual(3);
    await writer.drain(1000);
  });

  it('durable mode: the same, in one drain round', async () => {
    const db = durableWriterWithoutDrainer(pair).wrap(pair.primary.db);
    for (const row of rows) await db.insert(counters).values(row);
    const d = new OutboxDrainer({
      primary: pair.primary.db,
      backup: pair.backup.db,
      tables: schema,
      retryDelaysMs: [],
      depthRefreshMs: 0,
    });
    try {
      const round = await d.drainOnce();
      expect(round).toMatchObject({ read: 4, applied: 3, deadLettered: 1 });
      // [g1 g2 bad g3] fails, [g1 g2] commits, [bad g3] fails, [bad] fails, [g3] commits.
      expect(d.metrics()).toMatchObject({ applied: 3, failed: 1, rollbacks: 3, deadLettered: 1, batches: 1 });
    } finally {
      await d.stop();
    }
  });
});
