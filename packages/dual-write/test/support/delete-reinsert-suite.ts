import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExactCopyHarness, openExactCopy, WRITE_MODES } from './exact-copy-harness.js';
import { cascadeChildren, parents, setNullChildren } from './exact-copy-schema.js';
import type { Pair } from './pair.js';

/**
 * Issue 10, deletes are never lost by coalescing: a parent deleted and re-inserted must reach the backup as a
 * delete (so the backup runs its own ON DELETE CASCADE / SET NULL, as the primary did) followed by the insert,
 * not as one upsert that leaves the old children in place.
 */
export function describeDeleteReinsert(label: string, open: () => Promise<Pair>): void {
  describe.each(WRITE_MODES)(`${label}: delete + re-insert of a parent (%s mode)`, (mode) => {
    let h: ExactCopyHarness;
    beforeAll(async () => {
      h = await openExactCopy(await open(), mode);
    });
    afterAll(() => h?.close());
    beforeEach(() => h.reset());

    async function seed() {
      await h.db.insert(parents).values([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
      await h.db.insert(cascadeChildren).values([
        { id: 10, parentId: 1, note: 'a' },
        { id: 11, parentId: 1, note: 'b' },
        { id: 12, parentId: 2, note: 'c' },
      ]);
      await h.db.insert(setNullChildren).values([
        { id: 20, parentId: 1, note: 'd' },
        { id: 21, parentId: 2, note: 'e' },
      ]);
      await h.flush();
      await h.expectEqual();
    }

    /** The backup ran parent 1's delete: its cascade children are gone, its set-null children kept with null. */
    async function expectDeleteReplayed(newChildren: { id: number; parentId: number; note: string }[] = []) {
      await h.flush();
      await h.expectEqual();
      const backup = h.pair.backup.db;
      expect(await backup.select().from(parents).orderBy(parents.id)).toEqual([
        { id: 1, name: 'one again' },
        { id: 2, name: 'two' },
      ]);
      expect(await backup.select().from(cascadeChildren).orderBy(cascadeChildren.id)).toEqual([
        { id: 12, parentId: 2, note: 'c' },
        ...newChildren,
      ]);
      expect(await backup.select().from(setNullChildren).orderBy(setNullChildren.id)).toEqual([
        { id: 20, parentId: null, note: 'd' },
        { id: 21, parentId: 2, note: 'e' },
      ]);
    }

    it('in one transaction: the backup deletes (cascade, set null) before it re-inserts', async () => {
      await seed();
      await h.db.transaction(async (tx) => {
        await tx.delete(parents).where(eq(parents.id, 1));
        await tx.insert(parents).values({ id: 1, name: 'one again' });
        await tx.insert(cascadeChildren).values({ id: 13, parentId: 1, note: 'new' });
      });
      await expectDeleteReplayed([{ id: 13, parentId: 1, note: 'new' }]);
    });

    it('as two statements while the backup is held: one batch, and still the delete first', async () => {
      await seed();
      const before = h.writer.metrics().batches;
      const release = await h.hold();
      try {
        await h.db.delete(parents).where(eq(parents.id, 1));
        await h.db.insert(parents).values({ id: 1, name: 'one again' });
      } finally {
        await release();
      }
      await expectDeleteReplayed();
      // Both statements were applied in the same backup transaction (what coalescing used to merge).
      expect(h.writer.metrics().batches - before).toBe(h.holdBatches + 1);
    });

    it('deleted and re-inserted twice in one batch, with a child added in between', async () => {
      await seed();
      const release = await h.hold();
      try {
        await h.db.delete(parents).where(eq(parents.id, 1));
        await h.db.insert(parents).values({ id: 1, name: 'one, briefly' });
        await h.db.insert(cascadeChildren).values({ id: 14, parentId: 1, note: 'short-lived' });
        await h.db.delete(parents).where(eq(parents.id, 1));
        await h.db.insert(parents).values({ id: 1, name: 'one again' });
      } finally {
        await release();
      }
      await expectDeleteReplayed();
    });
  });
}
