import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriteMetrics, OutboxDrainer } from '../../src/index.js';
import {
  cascadeChildren,
  EXACT_COPY_DDL,
  EXACT_COPY_TRUNCATE,
  exactCopySchema,
  exactCopyTables,
  items,
  parents,
  setNullChildren,
} from './exact-copy-schema.js';
import { expectTablesEqual } from './expect-tables-equal.js';
import { type CommitFault, type FaultyBackup, faultyBackup } from './lost-answer-backup.js';
import type { Pair } from './pair.js';

/**
 * A backup transaction whose answer never came back: the backup may hold it (the connection was cut after the
 * server committed) or not. Memory mode asks the backup (`txid_status` of the transaction id it took first); durable
 * mode finds what the backup committed in its ledger of applied units. Either way the backup ends an exact copy, with nothing dead-lettered.
 */
export interface LostCommitAnswersOptions {
  /** fast-check runs per mode (`LCA_RUNS` overrides, for a longer hunt). */
  readonly numRuns: number;
}

export function describeLostCommitAnswers(
  label: string,
  openPair: () => Promise<Pair>,
  options: LostCommitAnswersOptions,
): void {
  // One describe per pair: its writers and drainers (and the drainer's lock) are closed when it ends.
  describe(label, () => {
    let pair: Pair;
    let backup: FaultyBackup;
    const closers: (() => Promise<unknown>)[] = [];

    beforeAll(async () => {
      pair = await openPair();
      await pair.primary.exec(EXACT_COPY_DDL);
      await pair.backup.exec(EXACT_COPY_DDL);
      backup = faultyBackup(pair);
    });
    afterAll(async () => {
      for (const close of closers) await close();
      await pair?.close();
    });

    /** A wrapped primary and its backup path: `flush()` applies what was written so far, as one batch where it can. */
    interface Harness {
      readonly db: Pair['primary']['db'];
      flush(timeoutMs: number): Promise<boolean>;
      metrics(): DualWriteMetrics;
    }

    function open(mode: 'memory' | 'durable'): Harness {
      const common = { backup: backup.db, primary: pair.primary.db, schema: exactCopySchema };
      if (mode === 'memory') {
        // A long linger: what is written between two flushes is applied as ONE batch.
        const writer = createDualWriter({ ...common, lingerMs: 60_000 });
        closers.push(() => writer.drain(10_000));
        return {
          db: writer.wrap(pair.primary.db),
          flush: (ms) => writer.flush(ms),
          metrics: () => writer.metrics(),
        };
      }
      // No background drainer: rounds run only when flushed, so a round takes everything written since the last.
      const writer = createDualWriter({ ...common, mode: 'durable', drainer: false });
      const drainer = new OutboxDrainer({
        primary: pair.primary.db,
        backup: backup.db,
        tables: exactCopySchema,
        pollIntervalMs: 20,
      });
      closers.push(
        () => drainer.stop(),
        () => writer.drain(1_000),
      );
      return {
        db: writer.wrap(pair.primary.db),
        flush: (ms) => drainer.flush(ms),
        metrics: () => drainer.metrics(),
      };
    }

    async function reset() {
      await pair.primary.exec(`${EXACT_COPY_TRUNCATE} truncate multidb.dual_write_outbox;`);
      await pair.backup.exec(EXACT_COPY_TRUNCATE);
    }

    describe('memory mode: a batch whose COMMIT answer was lost', () => {
      let w: Harness;
      beforeAll(() => {
        w = open('memory');
      });

      it('is not replayed once the backup says it committed: no older state written back, nothing dead-lettered', async () => {
        await reset();
        await w.db.insert(parents).values({ id: 1, name: 'one' });
        await w.db.insert(items).values({ id: 1, name: 'counter', n: 0 });
        expect(await w.flush(10_000)).toBe(true);
        const before = w.metrics();
        // Replayed, n = 1 would land, the transaction that set n = 2 would fail on its child's foreign key (parent 1
        // is gone on the backup) and be dead-lettered, and the backup would keep n = 1 where the primary has 2.
        await w.db.update(items).set({ n: 1 }).where(eq(items.id, 1));
        await w.db.transaction(async (tx) => {
          await tx.update(items).set({ n: 2 }).where(eq(items.id, 1));
          await tx.insert(cascadeChildren).values({ id: 11, parentId: 1, note: 'deleted by the cascade' });
        });
        await w.db.delete(parents).where(eq(parents.id, 1));
        backup.arm('lost-after-commit');
        expect(await w.flush(20_000)).toBe(true);
        expect(backup.armed, 'the fault fired').toBeUndefined();
        await expectTablesEqual(pair.primary.db, pair.backup.db, exactCopyTables);
        expect(await pair.backup.db.select().from(items)).toEqual([{ id: 1, name: 'counter', n: 2 }]);
        const after = w.metrics();
        expect(after.deadLettered - before.deadLettered).toBe(0);
        // The backup was asked (txid_status): it had committed, so nothing was applied again or re-read.
        expect(after.reread - before.reread).toBe(0);
      });

      // Nothing can have committed: the rows are retried as captured at once, no re-read, no question asked.
      it.each([
        ['a refused connection', 'refused', 2],
        ['a connection lost mid-transaction (before COMMIT)', 'lost-mid-transaction', 3],
      ] as const)('%s is not in doubt: the captured rows are retried, no re-read', async (_, fault, id) => {
        await reset();
        await w.db.insert(items).values({ id, name: `item-${id}`, n: 0 });
        expect(await w.flush(10_000)).toBe(true);
        const before = w.metrics();
        await w.db.update(items).set({ n: 5 }).where(eq(items.id, id));
        backup.arm(fault);
        expect(await w.flush(20_000)).toBe(true);
        expect(backup.armed, 'the fault fired').toBeUndefined();
        expect(w.metrics().retried - before.retried).toBeGreaterThan(0);
        expect(w.metrics().reread - before.reread).toBe(0);
        await expectTablesEqual(pair.primary.db, pair.backup.db, exactCopyTables);
      });
    });

    type Op =
      | { readonly kind: 'parent'; readonly id: number }
      | { readonly kind: 'dropParent'; readonly id: number }
      | { readonly kind: 'child'; readonly cascade: boolean; readonly id: number; readonly parentId: number }
      | { readonly kind: 'item'; readonly id: number; readonly n: number }
      | {
          readonly kind: 'txn';
          readonly itemId: number;
          readonly n: number;
          readonly childId: number;
          readonly parentId: number;
        }
      | { readonly kind: 'fault'; readonly fault: CommitFault }
      | { readonly kind: 'flush' };

    // Few keys, so rows are written again, parents deleted under their children, and transactions overlap.
    const parentId = fc.integer({ min: 1, max: 2 });
    const childId = fc.integer({ min: 10, max: 15 });
    const itemId = fc.integer({ min: 1, max: 2 });
    const n = fc.integer({ min: 0, max: 1000 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('parent' as const), id: parentId }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('dropParent' as const), id: parentId }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('child' as const),
          cascade: fc.boolean(),
          id: childId,
          parentId,
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('item' as const), id: itemId, n }) },
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('txn' as const), itemId, n, childId, parentId }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('fault' as const),
          fault: fc.constantFrom<CommitFault>(
            'lost-after-commit',
            'lost-after-commit',
            'lost-before-commit',
            'lost-mid-transaction',
            'refused',
          ),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
    );

    /** Runs one op on the primary; one the primary rejects (a duplicate key, a missing parent) is simply not made. */
    async function run(w: Harness, o: Op): Promise<void> {
      const { db } = w;
      const upsertItem = (target: typeof db, id: number, value: number) =>
        target
          .insert(items)
          .values({ id, name: `item-${id}`, n: value })
          .onConflictDoUpdate({ target: items.id, set: { n: value } });
      try {
        switch (o.kind) {
          case 'parent':
            await db.insert(parents).values({ id: o.id, name: `p${o.id}` });
            return;
          case 'dropParent':
            await db.delete(parents).where(eq(parents.id, o.id));
            return;
          case 'child':
            if (o.cascade)
              await db.insert(cascadeChildren).values({ id: o.id, parentId: o.parentId, note: 'c' });
            else await db.insert(setNullChildren).values({ id: o.id, parentId: o.parentId, note: 's' });
            return;
          case 'item':
            await upsertItem(db, o.id, o.n);
            return;
          case 'txn':
            await db.transaction(async (tx) => {
              await upsertItem(tx as typeof db, o.itemId, o.n);
              await tx.insert(cascadeChildren).values({ id: o.childId, parentId: o.parentId, note: 't' });
            });
            return;
          case 'fault':
            backup.arm(o.fault);
            return;
          case 'flush':
            expect(await w.flush(30_000)).toBe(true);
            return;
        }
      } catch (error) {
        if (o.kind === 'flush') throw error;
      }
    }

    describe.each(['memory', 'durable'] as const)(
      `${label}: any workload, any lost answers (%s mode)`,
      (mode) => {
        let w: Harness;
        beforeAll(() => {
          w = open(mode);
        });

        it('the backup ends an exact copy of the primary, nothing dead-lettered', async () => {
          await fc.assert(
            fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 40 }), async (ops) => {
              backup.disarm();
              await reset();
              // Both parents and items already on the backup, so a batch can delete a parent it did not create.
              for (const id of [1, 2]) {
                await w.db.insert(parents).values({ id, name: `p${id}` });
                await w.db.insert(items).values({ id, name: `item-${id}`, n: 0 });
              }
              expect(await w.flush(30_000)).toBe(true);
              const before = w.metrics().deadLettered;
              for (const o of ops) await run(w, o);
              expect(await w.flush(30_000)).toBe(true);
              backup.disarm(); // a fault no transaction met
              expect(await w.flush(30_000)).toBe(true);
              await expectTablesEqual(pair.primary.db, pair.backup.db, exactCopyTables);
              expect(w.metrics().deadLettered - before, 'rows dead-lettered').toBe(0);
            }),
            {
              numRuns: Number(process.env.LCA_RUNS ?? options.numRuns),
              // The shape that lost an update before the fix, always tried first.
              examples: [
                [
                  [
                    { kind: 'item', id: 1, n: 5 },
                    { kind: 'txn', itemId: 1, n: 7, childId: 10, parentId: 1 },
                    { kind: 'dropParent', id: 1 },
                    { kind: 'fault', fault: 'lost-after-commit' },
                    { kind: 'flush' },
                  ],
                ],
              ],
            },
          );
        });
      },
    );
  });
}
