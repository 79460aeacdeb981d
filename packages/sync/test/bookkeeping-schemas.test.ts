import { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, isBookkeepingSchema, syncBackup } from '../src/index.js';

// Dual-write keeps its outbox and dead letters in `multidb` on the primary and its fence there on the backup:
// sync and drift must neither copy nor compare them.
const APP = 'CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY, name text NOT NULL);';
const SOURCE_ONLY = `CREATE SCHEMA multidb;
  CREATE TABLE multidb.dual_write_outbox (id bigserial PRIMARY KEY, row_data jsonb NOT NULL);
  INSERT INTO multidb.dual_write_outbox (row_data) VALUES ('{"id": 1}');
  INSERT INTO app.items VALUES (1, 'one'), (2, 'two');`;
const TARGET_ONLY = `CREATE SCHEMA multidb;
  CREATE TABLE multidb.dual_write_fence (id integer PRIMARY KEY, epoch bigint NOT NULL);`;

let source: DbHandle;
let target: DbHandle;

beforeAll(async () => {
  const [a, b] = await Promise.all([PGlite.create(), PGlite.create()]);
  source = fromPglite(a, { name: 'source' });
  target = fromPglite(b, { name: 'target' });
  await source.exec(APP + SOURCE_ONLY);
  await target.exec(APP + TARGET_ONLY);
});
afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
});

describe("dual-write's bookkeeping schema", () => {
  it('is a bookkeeping schema, like multidb_* and drizzle; look-alikes are not', () => {
    for (const name of ['multidb', 'multidb_sync', 'multidb_outbox', 'drizzle'])
      expect(isBookkeepingSchema(name)).toBe(true);
    for (const name of ['multidbx', 'app', 'Multidb', 'public'])
      expect(isBookkeepingSchema(name)).toBe(false);
  });

  it('is neither copied by syncBackup nor compared by checkDrift', async () => {
    const copied = (await syncBackup({ source, target }))._unsafeUnwrap();
    expect(copied.ok).toBe(true);
    expect(copied.tables.map((t) => t.table)).toEqual(['app.items']);
    const report = (await checkDrift({ source, target, recheckDelayMs: 0 }))._unsafeUnwrap();
    expect(report.schema).toEqual([]);
    expect(report.tables.map((t) => [t.table, t.status])).toEqual([['app.items', 'clean']]);
    expect(report.clean).toBe(true);
  });
});
