import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDualWriter, type DualWriter } from '../src/index.js';
import {
  cascadeChildren,
  EXACT_COPY_DDL,
  EXACT_COPY_TRUNCATE,
  exactCopySchema,
  exactCopyTables,
  items,
  parents,
} from './support/exact-copy-schema.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import { type Pair, pglitePair } from './support/pair.js';

/**
 * Memory mode, the backup connection lost while COMMIT was on its way: the batch committed on the backup but the
 * writer saw an error. The backup here is the real one behind a proxy whose `transaction` commits and then throws
 * a connection reset (once, when armed), as a socket cut after the server committed would.
 */
let pair: Pair;
let writer: DualWriter;
let db: Pair['primary']['db'];
/** The next backup transaction's fault: committed then the answer lost, or refused before it ran. */
let fault: 'lost-after-commit' | 'refused' | undefined;

beforeAll(async () => {
  pair = await pglitePair();
  await pair.primary.exec(EXACT_COPY_DDL);
  await pair.backup.exec(EXACT_COPY_DDL);
  const real = pair.backup.db;
  const lostAfterCommit = new Proxy(real, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'transaction') return value;
      return async (...args: unknown[]) => {
        const now = fault;
        fault = undefined;
        if (now === 'refused') {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        }
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (now === 'lost-after-commit') {
          throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        }
        return result;
      };
    },
  });
  // A long linger: everything written before a flush is applied as ONE batch.
  writer = createDualWriter({
    backup: lostAfterCommit,
    primary: pair.primary.db,
    schema: exactCopySchema,
    lingerMs: 60_000,
  });
  db = writer.wrap(pair.primary.db);
});
afterAll(async () => {
  await writer?.drain(10_000);
  await pair?.close();
});
beforeEach(async () => {
  fault = undefined;
  await pair.primary.exec(EXACT_COPY_TRUNCATE);
  await pair.backup.exec(EXACT_COPY_TRUNCATE);
});

describe('memory mode: a batch whose COMMIT answer was lost', () => {
  it('is re-read from the primary, not replayed: no older state written back, nothing dead-lettered', async () => {
    await db.insert(parents).values({ id: 1, name: 'one' });
    await db.insert(items).values({ id: 1, name: 'counter', n: 0 });
    expect(await writer.flush(10_000)).toBe(true);
    const before = writer.metrics();

    // Replayed, n = 1 would land, the transaction that set n = 2 would fail on its child's foreign key (parent 1
    // is gone on the backup) and be dead-lettered, and the backup would keep n = 1 where the primary has 2.
    await db.update(items).set({ n: 1 }).where(eq(items.id, 1));
    await db.transaction(async (tx) => {
      await tx.update(items).set({ n: 2 }).where(eq(items.id, 1));
      await tx.insert(cascadeChildren).values({ id: 11, parentId: 1, note: 'deleted by the cascade' });
    });
    await db.delete(parents).where(eq(parents.id, 1));
    fault = 'lost-after-commit';
    expect(await writer.flush(20_000)).toBe(true);
    expect(fault, 'the fault fired').toBeUndefined();

    await expectTablesEqual(pair.primary.db, pair.backup.db, exactCopyTables);
    expect(await pair.backup.db.select().from(items)).toEqual([{ id: 1, name: 'counter', n: 2 }]);
    const after = writer.metrics();
    expect(after.deadLettered - before.deadLettered).toBe(0);
    expect(after.reread - before.reread).toBeGreaterThan(0);
  });

  it('a refused connection (nothing can have committed) keeps the captured rows: no re-read', async () => {
    await db.insert(items).values({ id: 2, name: 'plain', n: 0 });
    expect(await writer.flush(10_000)).toBe(true);
    const before = writer.metrics();
    await db.update(items).set({ n: 5 }).where(eq(items.id, 2));
    fault = 'refused';
    expect(await writer.flush(20_000)).toBe(true);
    expect(fault, 'the fault fired').toBeUndefined();
    expect(writer.metrics().retried - before.retried).toBeGreaterThan(0);
    expect(writer.metrics().reread - before.reread).toBe(0);
    await expectTablesEqual(pair.primary.db, pair.backup.db, exactCopyTables);
  });
});
