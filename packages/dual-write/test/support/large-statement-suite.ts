import type { AnyPgDatabase } from '@multidb/config';
import { lt, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DualWriteMetrics } from '../../src/index.js';
import { type ExactCopyHarness, openExactCopy, WRITE_MODES } from './exact-copy-harness.js';
import { pairs } from './exact-copy-schema.js';
import type { Pair } from './pair.js';

/** 51 × 1000 rows on a composite key; every statement below touches 50,000 of them. */
const SEED = `insert into ec.pairs (k1, k2, v) select g / 1000, g % 1000, 'seed-' || g from generate_series(0, 50999) g`;
const ROWS = 50_000;

/** Count and a digest of every row, computed by the server on each side (no 50,000-row transfer to compare). */
async function fingerprint(db: AnyPgDatabase): Promise<{ rows: number; digest: string }> {
  const [result] = await db
    .select({
      rows: sql<number>`count(*)::int`,
      digest: sql<string>`md5(coalesce(string_agg("pairs"::text, ',' order by "k1", "k2"), ''))`,
    })
    .from(pairs);
  return result as { rows: number; digest: string };
}

/**
 * Issue 10, statements of any size: ONE primary statement of 50,000 rows (insert … onConflictDoUpdate, update,
 * delete) on a composite-key table must reach the backup whole, in both modes: no backup statement too large or too
 * deep (memory mode's `(k1, k2) in ((…), …)` delete hit `stack depth limit exceeded`), nothing dead-lettered.
 */
export function describeLargeStatements(label: string, open: () => Promise<Pair>): void {
  describe.each(WRITE_MODES)(`${label}: statements of ${ROWS} rows (%s mode)`, (mode) => {
    let h: ExactCopyHarness;
    let baseline: DualWriteMetrics;
    beforeAll(async () => {
      // The queue bound is not under test here: one 50,000-row statement must not overflow it.
      h = await openExactCopy(await open(), mode, { maxDepth: 200_000 });
    });
    afterAll(() => h?.close());
    beforeEach(async () => {
      await h.reset();
      // The same rows on both sides, written directly (not under test).
      await h.pair.primary.exec(SEED);
      await h.pair.backup.exec(SEED);
      baseline = h.writer.metrics();
    });

    async function expectBackupEqual(expectedRows: number) {
      await h.flush();
      const [primary, backup] = [await fingerprint(h.pair.primary.db), await fingerprint(h.pair.backup.db)];
      expect(primary.rows).toBe(expectedRows);
      expect(backup).toEqual(primary);
      // Nothing dead-lettered or overflowed, no row rejected, no backup transaction rolled back: one piece.
      const after = h.writer.metrics();
      const since = (name: 'deadLettered' | 'overflowed' | 'failed' | 'rollbacks') =>
        after[name] - baseline[name];
      expect({
        deadLettered: since('deadLettered'),
        overflowed: since('overflowed'),
        failed: since('failed'),
        rollbacks: since('rollbacks'),
      }).toEqual({ deadLettered: 0, overflowed: 0, failed: 0, rollbacks: 0 });
    }

    it(`insert … onConflictDoUpdate of ${ROWS} rows (half new, half updated) in one statement`, async () => {
      const result = await h.db
        .insert(pairs)
        .select(sql`select g / 1000 + 26, g % 1000, 'upsert-' || g from generate_series(0, ${ROWS - 1}) g`)
        .onConflictDoUpdate({ target: [pairs.k1, pairs.k2], set: { v: sql`excluded.v` } })
        .returning({ k1: pairs.k1 });
      expect(result).toHaveLength(ROWS);
      await expectBackupEqual(76_000);
    });

    it(`update of ${ROWS} rows in one statement`, async () => {
      const result = await h.db
        .update(pairs)
        .set({ v: sql`${pairs.v} || '-updated'` })
        .where(lt(pairs.k1, 50))
        .returning({ k1: pairs.k1 });
      expect(result).toHaveLength(ROWS);
      await expectBackupEqual(51_000);
    });

    it(`delete of ${ROWS} rows in one statement`, async () => {
      const result = await h.db.delete(pairs).where(lt(pairs.k1, 50)).returning({ k1: pairs.k1 });
      expect(result).toHaveLength(ROWS);
      await expectBackupEqual(1_000);
    });
  });
}
