import type { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyDeadline } from '../src/apply/apply-deadline.js';
import { jsonRowsTarget } from '../src/apply/json-rows-target.js';
import { createDualWriter } from '../src/index.js';
import type { TableMeta } from '../src/table-meta.js';
import { TableRegistry } from '../src/table-registry.js';
import { blockPglite } from './support/block-backup.js';
import { expectTablesEqual, rowCount } from './support/expect-tables-equal.js';
import { type Pair, pglitePair } from './support/pair.js';
import { allTables, counters, schema } from './support/schema.js';
import { until } from './support/until.js';

// A backup that accepts the batch and never answers (a frozen connection, a black-holed network) cannot be
// stopped by statement_timeout: the server never sees the statement. The client-side deadline notices it, holds
// the rows for a retry, and fences the abandoned transaction so it cannot commit late.

let pair: Pair;
let backupPg: PGlite;
beforeAll(async () => {
  pair = await pglitePair();
  backupPg = pair.backup.pglite as PGlite;
});
afterAll(() => pair?.close());
beforeEach(() => pair.reset());

describe('apply deadline (memory mode)', () => {
  it('a batch the backup never answers times out as BackupTimeout; its rows are held, not lost or dead-lettered', async () => {
    const writer = createDualWriter({
      backup: pair.backup.db,
      primary: pair.primary.db,
      schema,
      lingerMs: 0,
      applyTimeoutMs: 150,
      retryDelaysMs: [10],
    });
    const db = writer.wrap(pair.primary.db);
    const release = await blockPglite(backupPg);
    try {
      await db.insert(counters).values({ name: 'a', n: 1 });
      await until(
        'a BackupTimeout',
        () => writer.metrics().lastError?.includes('BackupTimeout') === true,
        5000,
        10,
      );
      expect(writer.metrics()).toMatchObject({ backupReachable: false, deadLettered: 0, depth: 1 });
      // The primary path completes while the backup is still stuck.
      await db.update(counters).set({ n: 2 }).where(eq(counters.name, 'a'));
    } finally {
      await release();
    }
    expect(await writer.flush(10_000)).toBe(true);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
    expect(writer.metrics()).toMatchObject({ depth: 0, deadLettered: 0, backupReachable: true });
    await writer.drain(1000);
  });

  it('a transaction whose deadline passed while it ran rolls back instead of committing late', async () => {
    const registry = new TableRegistry({ schema });
    const table = registry.meta(counters) as TableMeta;
    const target = jsonRowsTarget(pair.backup.db);
    let checks = 0;
    // Expires after the first statement went out (as if its answer arrived after the deadline).
    const deadline: ApplyDeadline = {
      get expired() {
        return checks > 1;
      },
      check() {
        checks += 1;
        if (checks > 1) throw new Error('deadline passed');
      },
    };
    // Rows travel as JSON objects of the primary's exact column texts.
    const row = JSON.stringify({ id: '1', name: 'late', n: '1', note: null });
    await expect(target.apply([{ table, op: 'upsert', rows: [row] }], deadline)).rejects.toThrow(
      'deadline passed',
    );
    expect(checks).toBe(2);
    expect(await rowCount(pair.backup.db, counters)).toBe(0);
    // Without a deadline the same apply commits.
    await target.apply([{ table, op: 'upsert', rows: [row] }]);
    expect(await rowCount(pair.backup.db, counters)).toBe(1);
  });
});
