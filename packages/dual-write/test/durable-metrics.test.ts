import type { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DualWriteMetrics } from '../src/index.js';
import { blockPglite } from './support/block-backup.js';
import { durableWriters } from './support/durable-writers.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import { type Pair, pglitePair } from './support/pair.js';
import { allTables, counters } from './support/schema.js';
import { until } from './support/until.js';

// Durable mode's depth and lag are the outbox's, read from the primary by every process: true while the backup
// is down, in the leader, in a drainer that does not lead, and in a writer with no drainer at all.
let pair: Pair;
let backupPg: PGlite;
const writers = durableWriters(() => pair, 20);
const durableWriter = writers.create;

beforeAll(async () => {
  pair = await pglitePair();
  backupPg = pair.backup.pglite as PGlite;
});
afterAll(() => pair?.close());
beforeEach(() => pair.reset());
afterEach(() => writers.drainAll(10_000));

describe('durable metrics come from the outbox', () => {
  it('show the real depth and age during a backup outage in every process, and 0 once it is drained', async () => {
    const leader = durableWriter(true);
    await until('a leader', () => leader.drainer?.isLeader === true);
    const follower = durableWriter(true);
    const writeOnly = durableWriter(false);
    const db = writeOnly.wrap(pair.primary.db);
    await db.insert(counters).values({ name: 'before' });
    expect(await leader.flush(10_000)).toBe(true);

    const release = await blockPglite(backupPg);
    let released = false;
    try {
      // The application keeps writing: the primary does not wait for the backup.
      for (let i = 0; i < 25; i++) await db.insert(counters).values({ name: `during-${i}` });
      const everyone = [leader, follower, writeOnly];
      const pending = (m: DualWriteMetrics) => m.depth === 25 && m.oldestPendingAgeMs > 0;
      await until('all three to see the 25 pending entries', () =>
        everyone.every((w) => pending(w.metrics())),
      );
      expect(follower.drainer?.isLeader).toBe(false);
      for (const writer of everyone) {
        expect(writer.metrics()).toMatchObject({ mode: 'durable', depth: 25, depthExact: true });
        expect(writer.metrics().depthReadAt).toBeGreaterThan(0);
      }
      // The age is the oldest entry's, growing while the backup stays away.
      const age = writeOnly.metrics().oldestPendingAgeMs;
      await until('the lag to grow', () => writeOnly.metrics().oldestPendingAgeMs > age);
      await release();
      released = true;
    } finally {
      if (!released) await release();
    }
    expect(await leader.flush(10_000)).toBe(true);
    await until('all three to see an empty outbox', () =>
      [leader, follower, writeOnly].every(
        (w) => w.metrics().depth === 0 && w.metrics().oldestPendingAgeMs === 0,
      ),
    );
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('refreshes in the background and stops on drain()', async () => {
    const writer = durableWriter(false, 20);
    await until('a first reading', () => writer.metrics().depthReadAt !== undefined);
    const first = writer.metrics().depthReadAt as number;
    await until('a second reading', () => (writer.metrics().depthReadAt as number) > first);
    await writer.drain(1000);
    const last = writer.metrics().depthReadAt;
    // Still captured into the outbox after drain(), but no longer counted: the refresh stopped.
    await writer.wrap(pair.primary.db).insert(counters).values({ name: 'after-drain' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writer.metrics().depthReadAt).toBe(last);
    expect(writer.metrics().depth).toBe(0);
  });
});
