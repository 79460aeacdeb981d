import { executeRows } from '@multidb/config';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExactCopyHarness, openExactCopy } from './exact-copy-harness.js';
import { cascadeChildren, items, parents, setNullChildren } from './exact-copy-schema.js';
import type { Pair } from './pair.js';

const OUTBOX = 'multidb.dual_write_outbox';
const LEDGER = 'multidb.dual_write_applied';
const COPY = 'multidb.outbox_copy_for_test';

/**
 * Durable mode applies every outbox unit to the backup exactly once. The drainer deletes applied entries from the
 * outbox only after the backup committed; a crash between the two leaves entries the backup already holds. They
 * are put back here (a copy of the outbox taken before the drain, re-inserted after it) and a new leadership
 * drains again, as the process restarted after the crash would.
 */
export function describeExactlyOnce(label: string, open: () => Promise<Pair>): void {
  describe(`${label}: durable mode applies each unit exactly once`, () => {
    let h: ExactCopyHarness;
    const count = async (db: 'primary' | 'backup', table: string) =>
      Number(
        (await executeRows<{ n: number }>(h.pair[db].db, `select count(*)::int as n from ${table}`))[0]?.n,
      );
    /** The drainer steps down and claims the lead again: a fresh leadership, like a restarted process. */
    const restartDrainer = async () => (await h.hold())();

    beforeAll(async () => {
      h = await openExactCopy(await open(), 'durable');
    });
    afterAll(() => h?.close());
    beforeEach(async () => {
      await h.reset();
      await h.pair.primary.exec(`drop table if exists ${COPY}`);
    });

    /** Writes made while the drainer is stopped, applied in one round; returns after they reached the backup. */
    async function drainWithCrashCopy(write: () => Promise<void>) {
      const release = await h.hold();
      await write();
      await h.pair.primary.exec(`create table ${COPY} as select * from ${OUTBOX}`);
      await release();
      await h.flush();
      await h.expectEqual();
      expect(await count('primary', OUTBOX)).toBe(0);
    }
    const putBackCopy = () => h.pair.primary.exec(`insert into ${OUTBOX} select * from ${COPY}`);

    /** The process "crashed" after the backup's commit: the entries are back, a new leadership drains. */
    async function crashAndRestart(writeMeanwhile: () => Promise<void>) {
      const restart = await h.hold();
      await putBackCopy();
      await writeMeanwhile();
      await restart();
      await h.flush();
      await h.expectEqual();
      expect(await count('primary', OUTBOX)).toBe(0);
    }

    it('units the backup committed before a crash are not applied again: no child of a parent deleted later is dead-lettered', async () => {
      await h.db.insert(parents).values([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
      await h.flush();
      // Applied again after the parent's delete, the children fail their foreign key and are dead-lettered.
      await drainWithCrashCopy(async () => {
        await h.db.insert(setNullChildren).values({ id: 20, parentId: 1, note: 'kept with a null parent' });
        await h.db.insert(cascadeChildren).values({ id: 10, parentId: 1, note: 'deleted by the cascade' });
        await h.db.insert(setNullChildren).values({ id: 21, parentId: 2, note: 'untouched' });
        await h.db.delete(parents).where(eq(parents.id, 1));
      });
      await crashAndRestart(async () => {
        await h.db
          .update(setNullChildren)
          .set({ note: 'written after the crash' })
          .where(eq(setNullChildren.id, 21));
      });
      expect(await h.pair.backup.db.select().from(setNullChildren).orderBy(setNullChildren.id)).toEqual([
        { id: 20, parentId: null, note: 'kept with a null parent' },
        { id: 21, parentId: 2, note: 'written after the crash' },
      ]);
    });

    it('nor are the other rows of such a transaction left at the older state an earlier unit wrote', async () => {
      await h.db.insert(parents).values({ id: 1, name: 'one' });
      await h.db.insert(items).values({ id: 1, name: 'counter', n: 0 });
      await h.flush();
      // Applied again: n = 1 lands, the transaction that set n = 2 fails on its child's foreign key (parent 1 is
      // gone) and is dead-lettered, and the backup keeps n = 1 where the primary has 2.
      await drainWithCrashCopy(async () => {
        await h.db.update(items).set({ n: 1 }).where(eq(items.id, 1));
        await h.db.transaction(async (tx) => {
          await tx.update(items).set({ n: 2 }).where(eq(items.id, 1));
          await tx.insert(cascadeChildren).values({ id: 11, parentId: 1, note: 'deleted by the cascade' });
        });
        await h.db.delete(parents).where(eq(parents.id, 1));
      });
      await crashAndRestart(async () => {});
      expect(await h.pair.backup.db.select().from(items)).toEqual([{ id: 1, name: 'counter', n: 2 }]);
    });

    it('a unit is known by its transaction too: an outbox whose ids repeat is not taken for applied', async () => {
      // A record of a unit with the next id but another transaction (as if the outbox had been recreated).
      const [next] = await executeRows<{ id: string }>(
        h.pair.primary.db,
        `select nextval(pg_get_serial_sequence('${OUTBOX}', 'id'))::text as id`,
      );
      await h.pair.backup.exec(
        `insert into ${LEDGER} (batch_id, unit_ids, tx_ids) values ('other', '{${Number(next?.id) + 1}}', '{1}')`,
      );
      const release = await h.hold();
      await h.db.insert(parents).values({ id: 3, name: 'three' });
      await release();
      await h.flush();
      await h.expectEqual();
      expect(await h.pair.backup.db.select().from(parents)).toEqual([{ id: 3, name: 'three' }]);
    });

    it("the ledger keeps only the last round's batch", async () => {
      for (let i = 1; i <= 6; i++) {
        await h.db.insert(parents).values({ id: 100 + i, name: `p${i}` });
        await h.flush();
      }
      await h.expectEqual();
      expect(await count('backup', LEDGER)).toBeLessThanOrEqual(1);
    });

    // One session per PGlite: a role set on it is the drainer's role (a pool on PostgreSQL has many sessions).
    it.runIf(label === 'PGlite')(
      'a backup role that may not create the ledger gets OutboxNotReady: nothing applied, dead-lettered or lost',
      async () => {
        await h.pair.backup.exec(`drop table ${LEDGER};
          drop role if exists multidb_no_create; create role multidb_no_create;
          grant usage on schema multidb to multidb_no_create; set role multidb_no_create`);
        try {
          await restartDrainer();
          await h.db.insert(parents).values({ id: 5, name: 'five' });
          const drainer = h.writer.drainer as NonNullable<typeof h.writer.drainer>;
          const error = await drainer.flush(5_000).catch((e: unknown) => e);
          expect(error).toMatchObject({ code: 'OutboxNotReady' });
          expect((error as Error).message).toContain('multidb.dual_write_applied');
          expect(await count('primary', OUTBOX)).toBe(1);
        } finally {
          await h.pair.backup.exec('reset role');
        }
        await h.flush();
        await h.expectEqual();
        expect(await count('primary', OUTBOX)).toBe(0);
      },
    );

    it('a backup set up before the ledger existed gets it at the first claim', async () => {
      await h.pair.backup.exec(`drop table ${LEDGER}`);
      await restartDrainer();
      await h.db.insert(parents).values({ id: 4, name: 'four' });
      await h.flush();
      await h.expectEqual();
      expect(await count('backup', LEDGER)).toBe(1);
    });
  });
}
