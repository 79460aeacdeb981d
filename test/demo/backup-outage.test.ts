import type { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createDualWriter, type DualWriter } from '@multidb/dual-write';
import {
  clients,
  createAppCaller,
  createAppRouter,
  type PrimarySchema,
  primarySchema,
  relationalOptions,
  splitLayout,
} from '@multidb/example-app';
import { createDbRouter, type DbRouter } from '@multidb/router';
import { migrate } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import { checkDrift } from '@multidb/sync';
import { type PgliteTemplate, ReplicaSwitch, sharedPgliteTemplate } from '@multidb/testing';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

// Backs the demo's backup-outage claims on the embedded default: the backup is a PGlite behind a ReplicaSwitch
// (stopped = every query refused like a server that is down), dual-write is composed into the router's write
// clients, and the reference tRPC procedures write through it.
let template: PgliteTemplate;
let primaryPg: PGlite;
let backupPg: PGlite;
let primary: DbHandle<PrimarySchema>;
let backup: DbHandle<PrimarySchema>;
const backupSwitch = new ReplicaSwitch('backup');
let writer: DualWriter;
let router: DbRouter<PrimarySchema>;

beforeAll(async () => {
  template = await sharedPgliteTemplate('example-app:primary', {
    setup: async (pg) => {
      const report = await migrate(
        splitClientsFromPglite(splitLayout, { primary: pg }, { ownsClients: false }),
        {
          target: 'primary',
        },
      );
      if (!report.ok) throw new Error(`template migration failed: ${JSON.stringify(report.databases)}`);
    },
  });
  [primaryPg, backupPg] = await Promise.all([template.clone(), template.clone()]);
  primary = fromPglite(primaryPg, { ...relationalOptions('primary'), name: 'primary' });
  backup = fromPglite(backupSwitch.wrap(backupPg), {
    ...relationalOptions('primary'),
    name: 'backup',
    ownsClient: false,
  });
  writer = createDualWriter({
    backup: backup.db,
    primary: primary.db,
    schema: primarySchema,
    retryDelaysMs: [20, 50, 100],
  });
  router = createDbRouter<PrimarySchema>({
    primary,
    ...relationalOptions('primary'),
    health: { background: false },
    wrapWriteClients: (db) => writer.wrap(db),
  });
});

afterAll(async () => {
  backupSwitch.start();
  await writer?.drain(5_000);
  await router?.close();
  await primary?.close();
  await backupPg?.close();
  await template?.close();
});

describe('backup outage under the tRPC application (PGlite)', () => {
  test('writes succeed and queue while the backup is down; it catches up with no drift when it returns', async () => {
    const api = createAppCaller(createAppRouter(router));
    backupSwitch.stop();
    await expect(backup.db.select().from(clients)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });

    const { organization } = await api.organization.create({
      slug: 'outage',
      name: 'Outage Ltd',
      countryCode: 'DE',
      owner: { email: 'owner@outage.test', displayName: 'Owner' },
    });
    for (let i = 0; i < 10; i++) {
      await api.client.create({
        organizationId: organization.id,
        name: `Client ${i}`,
        externalRef: `o-${i}`,
      });
    }
    await vi.waitFor(() => expect(writer.metrics().backupReachable).toBe(false), { timeout: 5_000 });
    const during = writer.metrics();
    expect(during.depth).toBe(12); // organization + owner + 10 clients, held, none dropped
    expect(during.retried).toBeGreaterThan(0);
    expect(during.deadLettered).toBe(0);
    expect(await writer.flush(300)).toBe(false); // nothing can reach the backup yet

    backupSwitch.start();
    expect(await writer.flush(10_000)).toBe(true);
    expect(writer.metrics()).toMatchObject({
      depth: 0,
      backupReachable: true,
      deadLettered: 0,
      overflowed: 0,
    });
    const ids = async (db: DbHandle<PrimarySchema>['db']) =>
      (await db.select({ id: clients.id }).from(clients).orderBy(asc(clients.id))).map((r) => r.id);
    expect(await ids(backup.db)).toEqual(await ids(primary.db));

    const drift = await checkDrift({ source: primary, target: backup, recheckDelayMs: 0 });
    expect(drift.isOk()).toBe(true);
    expect(drift._unsafeUnwrap()).toMatchObject({ clean: true, driftFound: false });
    expect(drift._unsafeUnwrap().tables.length).toBeGreaterThanOrEqual(6);
  });
});
