import { expect } from 'vitest';
import { type DualWriter, dualWriterOf, withBackup } from '../../src/index.js';
import { holdTableLock } from './block-backup.js';
import {
  EXACT_COPY_DDL,
  EXACT_COPY_TRUNCATE,
  exactCopySchema,
  exactCopyTables,
  gate,
} from './exact-copy-schema.js';
import { expectTablesEqual } from './expect-tables-equal.js';
import type { Pair } from './pair.js';

export type WriteMode = 'memory' | 'durable';
export const WRITE_MODES: readonly WriteMode[] = ['memory', 'durable'];

/** A primary wrapped by `withBackup` over the exact-copy tables, in one mode, on any pair (PGlite or PostgreSQL). */
export interface ExactCopyHarness {
  readonly pair: Pair;
  readonly db: Pair['primary']['db'];
  readonly writer: DualWriter;
  /**
   * Until the returned release is called nothing reaches the backup, so the writes made meanwhile wait together and
   * are applied as ONE batch: memory mode keeps a sentinel row's apply stuck behind a lock on the backup; durable
   * mode stops the drainer (the outbox keeps everything, as during an outage).
   */
  hold(): Promise<() => Promise<void>>;
  /** Backup batches `hold()` itself costs (memory mode's sentinel row). */
  readonly holdBatches: number;
  /** Everything written so far reached the backup. */
  flush(): Promise<void>;
  /** Every exact-copy table is the same on both sides, and no row was dead-lettered since the last `reset()`. */
  expectEqual(): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Memory mode's queue bound (default 10 000 rows; bigger statements would overflow). */
  readonly maxDepth?: number;
}

/** Lets memory mode's background loop (scheduled with setImmediate) take what is queued. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

export async function openExactCopy(
  pair: Pair,
  mode: WriteMode,
  options: HarnessOptions = {},
): Promise<ExactCopyHarness> {
  await pair.primary.exec(EXACT_COPY_DDL);
  await pair.backup.exec(EXACT_COPY_DDL);
  const common = { backup: pair.backup.db, schema: exactCopySchema };
  const db =
    mode === 'memory'
      ? withBackup(pair.primary.db, { ...common, lingerMs: 0, maxDepth: options.maxDepth })
      : withBackup(pair.primary.db, { ...common, mode: 'durable' as const, drainer: { pollIntervalMs: 20 } });
  const writer = dualWriterOf(db) as DualWriter;
  let deadLetteredBefore = 0;
  const reset = async () => {
    deadLetteredBefore = writer.metrics().deadLettered;
    await pair.reset();
    await pair.primary.exec(EXACT_COPY_TRUNCATE);
    await pair.backup.exec(EXACT_COPY_TRUNCATE);
  };
  return {
    pair,
    db,
    writer,
    holdBatches: mode === 'memory' ? 1 : 0,
    async hold() {
      if (mode === 'durable') {
        const drainer = writer.drainer;
        if (drainer === undefined) throw new Error('durable writer without a drainer');
        await drainer.stop();
        return async () => drainer.start();
      }
      const release = await holdTableLock(pair.backup.db, 'ec.gate');
      await db.insert(gate).values({});
      await tick();
      return release;
    },
    async flush() {
      expect(await writer.flush(120_000)).toBe(true);
    },
    async expectEqual() {
      await expectTablesEqual(pair.primary.db, pair.backup.db, exactCopyTables);
      expect(writer.metrics().deadLettered - deadLetteredBefore, 'rows dead-lettered').toBe(0);
    },
    reset,
    async close() {
      await writer.drain(30_000);
      await pair.close();
    },
  };
}
