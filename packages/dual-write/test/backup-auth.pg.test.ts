import { connect, type DbHandle } from '@multidb/config';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDualWriter } from '../src/index.js';
import { schemaOption } from './support/drizzle-schema.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import { type Pair, postgresPair } from './support/pair.js';
import { allTables, counters, schema } from './support/schema.js';

// A backup that refuses the writer's credentials (a rotated password, 28P01) or lacks its database (3D000) is
// unusable, but the rows are fine: they are held and applied once it accepts them, never dead-lettered.
let cluster: PgCluster;
let pair: Pair;
let wrongBackup: DbHandle<typeof schema>;
beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0, backup: true, password: 'right-secret' });
  const backupUrl = cluster.backup?.url as string;
  pair = await postgresPair(cluster.primary.url, backupUrl);
  wrongBackup = await connect(backupUrl.replace('right-secret', 'rotated-secret'), {
    ...schemaOption(schema),
    connectTimeout: 2,
    max: 2,
  });
});
afterAll(async () => {
  await wrongBackup?.close();
  await pair?.close();
  await cluster?.stop();
});

it('rows refused by backup authentication are held (not dead-lettered) and applied once the password matches', async () => {
  const writer = createDualWriter({
    backup: wrongBackup.db,
    primary: pair.primary.db,
    schema,
    lingerMs: 0,
    retryDelaysMs: [20, 50, 100],
  });
  const db = writer.wrap(pair.primary.db);
  for (let i = 0; i < 5; i++) await db.insert(counters).values({ name: `auth-${i}` });
  // Long enough for the rejected-rows policy (3 retries) to have dead-lettered them if it applied.
  expect(await writer.flush(1500)).toBe(false);
  expect(writer.metrics()).toMatchObject({ backupReachable: false, deadLettered: 0, depth: 5 });
  expect(writer.metrics().lastError).toMatch(/password authentication failed/);
  expect(writer.metrics().lastError).not.toContain('rotated-secret');

  await cluster.backup?.sql(`alter role postgres password 'rotated-secret'`);
  expect(await writer.flush(15_000)).toBe(true);
  expect(writer.metrics()).toMatchObject({ backupReachable: true, deadLettered: 0, depth: 0 });
  await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  await writer.drain(1000);
});
