import type { PGlite } from '@electric-sql/pglite';
import { createDualWriter, type DualWriter } from '@multidb/dual-write';
import { clients, organizations, relationalOptions, splitLayout, users } from '@multidb/example-app';
import { createDbRouter, type DbRouter } from '@multidb/router';
import { createMirrorReplica, type MirrorReplica } from '@multidb/testing';
import { eq } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleClients, openExampleFixture } from '../split/example-fixtures.js';

// Issue 4 "Composition": dual-write capture configured once on the router reaches the backup from the write
// client, from withTransaction and from the transactional client (savepoint rollback discards only its writes).
const schema = splitLayout.primary.schema;
let primary: ExampleClients;
let backup: ExampleClients;
let replica: MirrorReplica<typeof schema>;
let writer: DualWriter;
let router: DbRouter<typeof schema>;

beforeAll(async () => {
  [primary, backup] = await Promise.all([openExampleFixture(false), openExampleFixture(false)]);
  replica = createMirrorReplica(primary.primary.pglite as PGlite, {
    name: 'mirror',
    ...relationalOptions('primary'),
  });
  writer = createDualWriter({ backup: backup.primary.db, primary: primary.primary.db, schema });
  router = createDbRouter({
    primary: primary.primary.db as never,
    replicas: [{ name: 'mirror', db: replica.handle.db, positionSource: replica.positionSource }],
    ...relationalOptions('primary'),
    health: { background: false },
    wrapWriteClients: (db) => writer.wrap(db),
  }) as unknown as DbRouter<typeof schema>;
});
afterAll(async () => {
  await router?.close();
  await writer?.drain();
  await Promise.all([primary?.close(), backup?.close()]);
});

const byId = (rows: Record<string, unknown>[]) =>
  [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

/** Every row of every table equal on both sides (all tables here have a single `id` key). */
async function backupEqualsPrimary(tables: readonly PgTable[]) {
  expect(await writer.flush(10_000)).toBe(true);
  for (const table of tables) {
    const [onPrimary, onBackup] = await Promise.all([
      primary.primary.db.select().from(table),
      backup.primary.db.select().from(table),
    ]);
    expect(byId(onBackup), `backup rows of ${getTableConfig(table).name}`).toEqual(byId(onPrimary));
  }
}

describe('router + dual-write, configured once', () => {
  it('a write through getClient("write") reaches the backup with the primary-made id and defaults', async () => {
    const [org] = await router
      .getClient('write')
      .insert(organizations)
      .values({ name: 'Acme', slug: 'acme', countryCode: 'DE' })
      .returning();
    expect(org?.id).toBeTruthy();
    await backupEqualsPrimary([organizations]);
    const [copy] = await backup.primary.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, org?.id as string));
    expect(copy).toEqual(org);
  });

  it('withTransaction and the transactional client are captured; a rolled-back savepoint is not', async () => {
    const org = await router.withTransaction(async (tx) => {
      const [created] = await tx
        .insert(organizations)
        .values({ name: 'Globex', slug: 'globex', countryCode: 'FR' })
        .returning();
      await tx
        .insert(users)
        .values({ organizationId: created?.id as string, email: 'owner@globex.test', displayName: 'Owner' });
      return created;
    });
    await router.getClient('transactional').transaction(async (tx) => {
      await tx
        .insert(clients)
        .values({ organizationId: org?.id as string, name: 'Kept', externalRef: 'k-1' });
      await tx
        .transaction(async (inner) => {
          await inner
            .insert(clients)
            .values({ organizationId: org?.id as string, name: 'Dropped', externalRef: 'd-1' });
          throw new Error('roll back the savepoint');
        })
        .catch(() => undefined);
    });
    await backupEqualsPrimary([organizations, users, clients]);
    const names = (await backup.primary.db.select().from(clients)).map((c) => c.name);
    expect(names).toEqual(['Kept']);
  });

  it('reads are not wrapped and never reach the backup queue', async () => {
    const before = writer.metrics();
    await router.getClient('read').select().from(organizations);
    expect(writer.metrics()).toEqual(before);
  });
});
