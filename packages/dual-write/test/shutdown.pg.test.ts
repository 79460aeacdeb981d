import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriter } from '../src/index.js';
import { durableWriters } from './support/durable-writers.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import type { Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { allTables, counters, schema } from './support/schema.js';
import { until } from './support/until.js';

// Shutdown after a backup restart under load (real PostgreSQL): once everything written reached the backup,
// nothing is in flight, and drain() — the writers' close — returns at once in both modes.
const cluster = sharedCluster();
let pair: Pair;
cluster.openForFile((opened) => {
  pair = opened;
});
const durable = durableWriters(() => pair, 50);
beforeEach(() => pair.reset());
afterEach(() => durable.drainAll(30_000));

/** Writes through `writer` from 4 loops while the backup server is stopped and started again; then flushes. */
async function restartBackupUnderLoad(writer: DualWriter): Promise<void> {
  const backupNode = (await cluster.cluster()).backup;
  if (backupNode === undefined) throw new Error('no backup node');
  const db = writer.wrap(pair.primary.db);
  let running = true;
  let written = 0;
  const loops = Array.from({ length: 4 }, async (_, loop) => {
    for (let i = 0; running; i++) {
      await db.insert(counters).values({ name: `loop-${loop}-${i}` });
      written++;
    }
  });
  const wrote = (n: number) => until(`${n} writes`, () => written >= n, 30_000, 10);
  await wrote(40);
  await backupNode.stop();
  await wrote(written + 40);
  await backupNode.start();
  await wrote(written + 40);
  running = false;
  await Promise.all(loops);
  expect(await writer.flush(60_000)).toBe(true);
}

async function timedDrain(writer: DualWriter): Promise<number> {
  const started = performance.now();
  expect(await writer.drain(10_000)).toBe(true);
  return performance.now() - started;
}

describe('drain() after a backup restart under load, nothing in flight', () => {
  it('memory mode: returns well under a second, and the backup has every row', async () => {
    const writer = createDualWriter({ backup: pair.backup.db, primary: pair.primary.db, schema });
    await restartBackupUnderLoad(writer);
    const ms = await timedDrain(writer);
    console.log(`memory drain() after a backup restart: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(500);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('durable mode (with its drainer): returns well under a second, and the backup has every row', async () => {
    const writer = durable.create(true);
    await restartBackupUnderLoad(writer);
    const ms = await timedDrain(writer);
    console.log(`durable drain() after a backup restart: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(500);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});
