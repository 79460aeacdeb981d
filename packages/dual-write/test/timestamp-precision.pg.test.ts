import { executeRows } from '@multidb/config';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDualWriter } from '../src/index.js';
import type { Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { accounts, schema } from './support/schema.js';

// Drizzle decodes timestamps into JS Dates (milliseconds): the backup must still get the primary's microseconds.
// Comparing through Drizzle would hide the loss (both sides decode to the same Date), so compare the server's text.
const cluster = sharedCluster();
let pair: Pair;
cluster.openForFile((opened) => {
  pair = opened;
});

const stamps = (db: Pair['primary']['db']) =>
  executeRows<{ id: string; created_at: string }>(
    db,
    sql`select id::text, created_at::text from dw.accounts order by id`,
  );

describe('timestamps on the backup keep the primary precision', () => {
  it('rows applied through the queue carry the microseconds', async () => {
    const writer = createDualWriter({ backup: pair.backup.db, primary: pair.primary.db, schema });
    const db = writer.wrap(pair.primary.db);
    await db.insert(accounts).values({ email: 'a@x', name: 'a' });
    await db.insert(accounts).values([
      { email: 'b@x', name: 'b' },
      { email: 'c@x', name: 'c' },
    ]);
    expect(await writer.flush(10_000)).toBe(true);
    const onPrimary = await stamps(pair.primary.db);
    expect(onPrimary.some((r) => /\.\d{4,6}\+/.test(r.created_at))).toBe(true);
    expect(await stamps(pair.backup.db)).toEqual(onPrimary);
    await writer.drain(10_000);
  });
});
