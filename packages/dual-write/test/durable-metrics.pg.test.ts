import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { durableWriters } from './support/durable-writers.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import type { Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { allTables, counters } from './support/schema.js';
import { until as waitUntil } from './support/until.js';

// Real PostgreSQL: the backup server is stopped (an outage, not a slow backup); every process reports the
// outbox's real depth and lag, leader or not, draining or not.
const cluster = sharedCluster();
let pair: Pair;
cluster.openForFile((opened) => {
  pair = opened;
});
const writers = durableWriters(() => pair, 50);
const durableWriter = (drainer: boolean) => writers.create(drainer);
beforeEach(() => pair.reset());
afterEach(() => writers.drainAll(30_000));
/** A real server is slower to stop and start than PGlite: a longer wait. */
const until = (what: string, check: () => boolean) => waitUntil(what, check, 30_000, 25);

describe('durable metrics on PostgreSQL', () => {
  it('a stopped backup: leader, follower and a writer without a drainer all see the pending entries and their age', async () => {
    const backupNode = (await cluster.cluster()).backup;
    if (backupNode === undefined) throw new Error('no backup node');
    const leader = durableWriter(true);
    await until('a leader', () => leader.drainer?.isLeader === true);
    const follower = durableWriter(true);
    const writeOnly = durableWriter(false);
    const db = writeOnly.wrap(pair.primary.db);
    await db.insert(counters).values({ name: 'before' });
    expect(await leader.flush(20_000)).toBe(true);

    await backupNode.stop();
    try {
      for (let i = 0; i < 40; i++) await db.insert(counters).values({ name: `during-${i}` });
      const everyone = [leader, follower, writeOnly];
      await until('every process to see the 40 pending entries', () =>
        everyone.every((w) => w.metrics().depth === 40 && w.metrics().oldestPendingAgeMs > 0),
      );
      expect(follower.drainer?.isLeader).toBe(false);
      await until('the leader to notice the outage', () => leader.metrics().backupReachable === false);
      const age = follower.metrics().oldestPendingAgeMs;
      await until('the lag to grow', () => follower.metrics().oldestPendingAgeMs > age);
      for (const writer of everyone) expect(writer.metrics()).toMatchObject({ depth: 40, depthExact: true });
    } finally {
      await backupNode.start();
    }
    expect(await leader.flush(60_000)).toBe(true);
    await until('every process to see an empty outbox', () =>
      [leader, follower, writeOnly].every(
        (w) => w.metrics().depth === 0 && w.metrics().oldestPendingAgeMs === 0,
      ),
    );
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('past 10 000 entries the depth is the id span, flagged inexact', async () => {
    const writeOnly = durableWriter(false);
    await pair.primary.db.execute(sql`insert into multidb.dual_write_outbox (table_name, op, entity_key, row_data)
      select 'public.counters', 'upsert', '[' || g || ']', jsonb_build_object('id', g, 'name', 'n' || g, 'n', 0)
      from generate_series(1, 12345) g`);
    await until('the big outbox to be read', () => writeOnly.metrics().depth === 12_345);
    expect(writeOnly.metrics()).toMatchObject({ depth: 12_345, depthExact: false });
    // Below the limit again: an exact count (the span would still say 12 345 with ids missing in between).
    await pair.primary.db.execute(sql`delete from multidb.dual_write_outbox
      where id > (select min(id) from multidb.dual_write_outbox) and id < (select max(id) - 998 from multidb.dual_write_outbox)`);
    await until('the smaller outbox to be read', () => writeOnly.metrics().depthExact);
    expect(writeOnly.metrics().depth).toBe(1000);
  });
});
