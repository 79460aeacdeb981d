import type { PGlite } from '@electric-sql/pglite';
import { executeRows } from '@multidb/config';
import { createPgliteTemplate, type PgliteTemplate } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashMigration, migrate, migrationStatus, readMigrationFolder } from '../src/index.js';
import { splitClientsFromPglite } from '../src/pglite-index.js';
import { cloneClients, initSql, initTag, tablesIn, userSchemas } from './support.js';

const TAG = { primary: initTag('primary'), data: initTag('data') };

let empty: PgliteTemplate;
beforeAll(async () => {
  empty = await createPgliteTemplate();
});
afterAll(() => empty.close());

const outcomes = (report: Awaited<ReturnType<typeof migrate>>) =>
  Object.fromEntries(report.databases.map((d) => [d.database, d.steps.map((s) => `${s.tag}:${s.outcome}`)]));

describe('migrate, SPLIT_DB_MODE=false', () => {
  it('puts all four schemas in one database with two migrations tables; a second run is a no-op', async () => {
    const clients = await cloneClients(empty, false);
    try {
      expect(clients.primary).toBe(clients.data);
      const report = await migrate(clients);
      expect(report.ok).toBe(true);
      expect(report.splitMode).toBe(false);
      expect(outcomes(report)).toEqual({
        primary: [`${TAG.primary}:applied`],
        data: [`${TAG.data}:applied`],
      });
      const db = clients.primary.db;
      expect(await userSchemas(db)).toEqual(['accounts', 'billing', 'drizzle', 'events', 'lookup']);
      expect(await tablesIn(db, 'drizzle')).toEqual(['__migrations_data', '__migrations_primary']);
      const [file] = readMigrationFolder(clients.layout.data.migrations.folder)._unsafeUnwrap();
      const rows = await executeRows<{ hash: string; created_at: string }>(
        db,
        'select * from drizzle.__migrations_data',
      );
      expect(rows.map((r) => [r.hash, Number(r.created_at)])).toEqual([[file?.hash, file?.when]]);

      const again = await migrate(clients);
      expect(again.ok).toBe(true);
      expect(outcomes(again)).toEqual({
        primary: [`${TAG.primary}:already-applied`],
        data: [`${TAG.data}:already-applied`],
      });
    } finally {
      await clients.close();
    }
  });
});

describe('migrate, SPLIT_DB_MODE=true', () => {
  it('keeps the PRIMARY schemas and the DATA schemas apart, each with its own migrations table', async () => {
    const clients = await cloneClients(empty, true);
    try {
      expect(clients.primary).not.toBe(clients.data);
      const report = await migrate(clients);
      expect(report.ok).toBe(true);
      expect(await userSchemas(clients.primary.db)).toEqual(['accounts', 'billing', 'drizzle']);
      expect(await userSchemas(clients.data.db)).toEqual(['drizzle', 'events', 'lookup']);
      expect(await tablesIn(clients.primary.db, 'drizzle')).toEqual(['__migrations_primary']);
      expect(await tablesIn(clients.data.db, 'drizzle')).toEqual(['__migrations_data']);
      expect(await tablesIn(clients.data.db, 'events')).toEqual(['event_log', 'event_tags']);
    } finally {
      await clients.close();
    }
  });

  it('migrates only the target database', async () => {
    const clients = await cloneClients(empty, true);
    try {
      const report = await migrate(clients, { target: 'data' });
      expect(report.databases.map((d) => d.database)).toEqual(['data']);
      const status = await migrationStatus(clients);
      expect(status.databases.map((d) => [d.database, d.applied.length, d.pending.length])).toEqual([
        ['primary', 0, 1],
        ['data', 1, 0],
      ]);
      expect(await userSchemas(clients.primary.db)).toEqual([]);
    } finally {
      await clients.close();
    }
  });

  it('refuses a DATA database that holds PRIMARY schemas, and still migrates PRIMARY', async () => {
    const single = await cloneClients(empty, false);
    await migrate(single);
    if (single.primary.pglite === undefined) throw new Error('expected PGlite');
    const pg = single.primary.pglite as PGlite;
    const clients = splitClientsFromPglite(single.layout, { primary: await empty.clone(), data: pg });
    try {
      const report = await migrate(clients);
      expect(report.ok).toBe(false);
      const [primary, data] = report.databases;
      expect(primary?.outcome).toBe('ok');
      expect(data?.outcome).toBe('blocked');
      expect(data?.problems.map((p) => p.type === 'ForeignSchemaTables' && p.schema)).toEqual([
        'accounts',
        'billing',
      ]);
      expect(data?.messages[0]).toMatch(
        /schema "accounts" belongs to the primary database but has tables here/,
      );
    } finally {
      await clients.close();
    }
  });
});

describe('repair', () => {
  it('records migrations whose objects were created by hand; a later migrate is a no-op', async () => {
    const clients = await cloneClients(empty, true);
    try {
      await clients.data.pglite?.exec(initSql('data'));
      const plain = await migrate(clients, { target: 'data' });
      expect(plain.databases[0]?.outcome).toBe('failed');
      expect(plain.databases[0]?.error).toMatch(/already exists/);

      const repaired = await migrate(clients, { repair: true });
      expect(repaired.ok).toBe(true);
      expect(outcomes(repaired)).toEqual({
        primary: [`${TAG.primary}:applied`],
        data: [`${TAG.data}:recorded`],
      });
      const rows = await executeRows<{ hash: string }>(
        clients.data.db,
        'select hash from drizzle.__migrations_data',
      );
      expect(rows.map((r) => r.hash)).toEqual([hashMigration(initSql('data'))]);

      const after = await migrate(clients);
      expect(outcomes(after)).toEqual({
        primary: [`${TAG.primary}:already-applied`],
        data: [`${TAG.data}:already-applied`],
      });
      const status = await migrationStatus(clients);
      expect(status.ok).toBe(true);
      expect(status.databases.every((d) => d.pending.length === 0 && d.applied.length === 1)).toBe(true);
    } finally {
      await clients.close();
    }
  });

  it('records nothing for a partly applied migration and says what is missing', async () => {
    const clients = await cloneClients(empty, false);
    try {
      await clients.primary.pglite?.exec(
        'CREATE SCHEMA "accounts"; CREATE TABLE "accounts"."plans_draft" ("code" text);',
      );
      const report = await migrate(clients, { target: 'primary', repair: true });
      const [primary] = report.databases;
      expect(primary?.outcome).toBe('failed');
      expect(primary?.error).toContain(
        `repair stopped at ${TAG.primary}: partly applied; missing schema billing, type accounts.member_status`,
      );
      expect(primary?.steps.map((s) => s.outcome)).toEqual(['not-executed']);
      expect(await tablesIn(clients.primary.db, 'drizzle')).toEqual([]);
    } finally {
      await clients.close();
    }
  });
});
