import { createDualWriter, type DualWriter } from '../../src/index.js';
import type { Pair } from './pair.js';
import { schema } from './schema.js';

/**
 * Durable writers on the file's pair: `create(true)` runs a drainer polling every `pollIntervalMs`, `create(false)`
 * only writes to the outbox. `drainAll(timeoutMs)` (in `afterEach`) drains and forgets every writer created.
 */
export function durableWriters(pair: () => Pair, pollIntervalMs: number) {
  const writers: DualWriter[] = [];
  return {
    create(drainer: boolean, depthRefreshMs?: number): DualWriter {
      const writer = createDualWriter({
        backup: pair().backup.db,
        primary: pair().primary.db,
        mode: 'durable',
        schema,
        drainer: drainer ? { pollIntervalMs } : false,
        depthRefreshMs,
      });
      writers.push(writer);
      return writer;
    },
    drainAll: async (timeoutMs: number) => {
      await Promise.all(writers.splice(0).map((w) => w.drain(timeoutMs)));
    },
  };
}
