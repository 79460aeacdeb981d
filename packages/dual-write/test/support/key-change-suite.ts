import type { AnyPgDatabase } from '@multidb/config';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExactCopyHarness, openExactCopy, WRITE_MODES } from './exact-copy-harness.js';
import { items, pairs, revisions } from './exact-copy-schema.js';
import type { Pair } from './pair.js';

const refused = expect.objectContaining({ code: 'PrimaryKeyUpdate' });

/**
 * Issue 10, key changes: `returning` shows only the new key of a row whose key changed, so the backup would keep
 * the old row next to the new one. Every way to change a key through the wrapper is refused synchronously, by the
 * builder call, before anything runs; the no-op spread of an upsert stays allowed.
 */
export function describeKeyChanges(label: string, open: () => Promise<Pair>): void {
  describe.each(WRITE_MODES)(`${label}: primary-key changes (%s mode)`, (mode) => {
    let h: ExactCopyHarness;
    let db: ExactCopyHarness['db'];
    beforeAll(async () => {
      h = await openExactCopy(await open(), mode);
      db = h.db;
    });
    afterAll(() => h?.close());
    beforeEach(async () => {
      await h.reset();
      await db.insert(items).values([
        { id: 1, name: 'a', n: 1 },
        { id: 2, name: 'b', n: 2 },
      ]);
      await db.insert(pairs).values({ k1: 1, k2: 1, v: 'p' });
      await db.insert(revisions).values({ doc: 1, rev: 1, body: 'first' });
      await h.flush();
    });

    const snapshot = async (d: AnyPgDatabase) => ({
      items: await d.select().from(items).orderBy(items.id),
      pairs: await d.select().from(pairs).orderBy(pairs.k1, pairs.k2),
      revisions: await d.select().from(revisions).orderBy(revisions.doc, revisions.rev),
    });

    /** The primary is as seeded (nothing ran), and the backup equals it. */
    async function expectUntouched() {
      expect(await snapshot(h.pair.primary.db)).toEqual({
        items: [
          { id: 1, name: 'a', n: 1 },
          { id: 2, name: 'b', n: 2 },
        ],
        pairs: [{ k1: 1, k2: 1, v: 'p' }],
        revisions: [{ doc: 1, rev: 1, body: 'first' }],
      });
      await h.flush();
      await h.expectEqual();
    }

    it('onConflictDoUpdate whose set gives the key a new value is refused when it is called', async () => {
      // Conflict on a unique column, the conflicting row would take another key.
      expect(() =>
        db
          .insert(items)
          .values({ id: 3, name: 'a' })
          .onConflictDoUpdate({ target: items.name, set: { id: 3 } }),
      ).toThrow(refused);
      // The key as target, but `set` names another key value.
      expect(() =>
        db
          .insert(items)
          .values({ id: 1, name: 'a' })
          .onConflictDoUpdate({ target: items.id, set: { id: 7, name: 'a' } }),
      ).toThrow(refused);
      // Composite key: one column is enough.
      expect(() =>
        db
          .insert(pairs)
          .values({ k1: 1, k2: 1, v: 'q' })
          .onConflictDoUpdate({ target: [pairs.k1, pairs.k2], set: { k2: 2 } }),
      ).toThrow(refused);
      await expectUntouched();
    });

    it('... also with sql values, several rows, insert … select, a non-key target and db.with(...)', async () => {
      // SQL is evaluated by the server: it cannot be proven to keep the key.
      expect(() =>
        db
          .insert(items)
          .values({ id: 1, name: 'a' })
          .onConflictDoUpdate({ target: items.id, set: { id: sql`${items.id} + 100` } }),
      ).toThrow(refused);
      expect(() =>
        db
          .insert(items)
          .values({ id: 3, name: 'a' })
          .onConflictDoUpdate({ target: items.name, set: { id: sql`excluded.id` } }),
      ).toThrow(refused);
      // Several rows share one `set`: its key value would be given to every conflicting row.
      const rows = [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ];
      expect(() =>
        db
          .insert(items)
          .values(rows)
          .onConflictDoUpdate({ target: items.id, set: rows[0] as (typeof rows)[0] }),
      ).toThrow(refused);
      expect(() =>
        db
          .insert(items)
          .select(sql`select 1, 'a', 0`)
          .onConflictDoUpdate({ target: items.id, set: { id: 1 } }),
      ).toThrow(refused);
      // The key values of the row itself, but the target is not the key: the conflicting row has another key.
      const row = { id: 3, name: 'a', n: 0 };
      expect(() => db.insert(items).values(row).onConflictDoUpdate({ target: items.name, set: row })).toThrow(
        refused,
      );
      // A key column as target, but not the whole composite key.
      const pair = { k1: 1, k2: 1, v: 'q' };
      expect(() =>
        db
          .insert(pairs)
          .values(pair)
          .onConflictDoUpdate({ target: [pairs.k1], set: pair }),
      ).toThrow(refused);
      const cte = db.$with('src').as(db.select({ id: items.id }).from(items));
      expect(() =>
        db
          .with(cte)
          .insert(items)
          .values({ id: 5, name: 'a' })
          .onConflictDoUpdate({ target: items.name, set: { id: 5 } }),
      ).toThrow(refused);
      await expectUntouched();
    });

    it('a refusal inside a transaction rolls the transaction back: nothing is written', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.insert(items).values({ id: 9, name: 'z' });
          await tx.update(items).set({ n: 50 }).where(eq(items.id, 2));
          await tx
            .insert(items)
            .values({ id: 10, name: 'a' })
            .onConflictDoUpdate({ target: items.name, set: { id: 10 } });
        }),
      ).rejects.toThrow(refused);
      await expectUntouched();
    });

    it('update().set() of a key is refused, also with `from` and `db.with(...)`; a key column with $onUpdate too', async () => {
      expect(() => db.update(items).set({ id: 5 })).toThrow(refused);
      expect(() =>
        db
          .update(items)
          .set({ id: sql`${pairs.k1} + 10` })
          .from(pairs),
      ).toThrow(refused);
      const cte = db.$with('src').as(db.select({ id: items.id }).from(items));
      expect(() => db.with(cte).update(items).set({ id: 6 })).toThrow(refused);
      // Drizzle sets `rev = "rev" + 1` in every UPDATE of the table: any update would change the key.
      expect(() => db.update(revisions).set({ body: 'second' })).toThrow(refused);
      expect(() =>
        db
          .insert(revisions)
          .values({ doc: 1, rev: 1, body: 'second' })
          .onConflictDoUpdate({ target: [revisions.doc, revisions.rev], set: { body: 'second' } }),
      ).toThrow(refused);
      await expectUntouched();
    });

    it('the no-op spread stays allowed: the key as target, one row, the same key values in set', async () => {
      const row = { id: 1, name: 'a', n: 11 };
      await db.insert(items).values(row).onConflictDoUpdate({ target: items.id, set: row });
      const fresh = { id: 4, name: 'd', n: 4 };
      await db
        .insert(items)
        .values([fresh])
        .onConflictDoUpdate({ target: [items.id], set: { ...fresh } });
      const pair = { k1: 1, k2: 1, v: 'spread' };
      // The target in another order is still exactly the key.
      await db
        .insert(pairs)
        .values(pair)
        .onConflictDoUpdate({ target: [pairs.k2, pairs.k1], set: pair })
        .returning();
      // Giving the $onUpdate key column its own value keeps it (Drizzle uses `set` over $onUpdate).
      const revision = { doc: 1, rev: 1, body: 'edited' };
      await db
        .insert(revisions)
        .values(revision)
        .onConflictDoUpdate({ target: [revisions.doc, revisions.rev], set: revision });
      // And a set without key columns, on any target.
      await db
        .insert(items)
        .values({ id: 8, name: 'b', n: 0 })
        .onConflictDoUpdate({ target: items.name, set: { n: sql`${items.n} + 20` } });
      await h.flush();
      await h.expectEqual();
      expect(await snapshot(h.pair.backup.db)).toEqual({
        items: [
          { id: 1, name: 'a', n: 11 },
          { id: 2, name: 'b', n: 22 },
          { id: 4, name: 'd', n: 4 },
        ],
        pairs: [{ k1: 1, k2: 1, v: 'spread' }],
        revisions: [{ doc: 1, rev: 1, body: 'edited' }],
      });
    });
  });
}
