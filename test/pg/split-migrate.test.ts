import { connect, executeRows } from '@multidb/config';
import { splitLayout } from '@multidb/example-app';
import {
  migrate,
  migrationStatus,
  openSplitClients,
  readMigrationFolder,
  type SplitTarget,
} from '@multidb/split-schema';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrizzleKitMigrate, expectKitResult } from '../split/drizzle-kit-migrate.js';

// The same migrations, status, pre-flight and repair behaviour as on PGlite, on a real PostgreSQL 15 server:
// each scenario gets its own database on one throwaway cluster.
let cluster: PgCluster;
const urlOf = (database: string) => cluster.primary.url.replace(/\/postgres$/, `/${database}`);

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0, password: 'split-pw' });
  for (const db of [
    'mig_single',
    'mig_primary',
    'mig_data',
    'kit_single',
    'kit_primary',
    'kit_data',
    'repair_db',
    'pg_primary',
    'pg_data',
  ]) {
    await cluster.primary.sql(`create database ${db}`);
  }
});
afterAll(() => cluster?.stop());

async function schemasAt(url: string): Promise<string[]> {
  const handle = await connect(url);
  try {
    const rows = await executeRows<{ name: string }>(
      handle.db,
      `select nspname as name from pg_namespace where nspname in ('config','customer','workspace','reference','drizzle') order by 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await handle.close();
  }
}

async function withClients<T>(
  target: SplitTarget,
  fn: (c: Awaited<ReturnType<typeof openSplitClients>>) => Promise<T>,
  options: Parameters<typeof openSplitClients>[2] = {},
) {
  const clients = await openSplitClients(splitLayout, target, options);
  try {
    return await fn(clients);
  } finally {
    await clients.close();
  }
}

describe('split-schema migrations on real PostgreSQL', () => {
  it('SPLIT_DB_MODE=false: all four schemas in one database; status says applied; a second run is a no-op', async () => {
    const target: SplitTarget = { primaryUrl: urlOf('mig_single'), splitMode: false };
    await withClients(target, async (clients) => {
      const first = await migrate(clients);
      expect(first.ok).toBe(true);
      expect(first.databases.flatMap((d) => d.steps.map((s) => s.outcome))).toEqual(['applied', 'applied']);
      const status = await migrationStatus(clients);
      expect(status.databases.map((d) => [d.database, d.applied.length, d.pending.length])).toEqual([
        ['primary', 1, 0],
        ['data', 1, 0],
      ]);
      const again = await migrate(clients);
      expect(again.databases.flatMap((d) => d.steps.map((s) => s.outcome))).toEqual([
        'already-applied',
        'already-applied',
      ]);
    });
    expect(await schemasAt(target.primaryUrl)).toEqual([
      'config',
      'customer',
      'drizzle',
      'reference',
      'workspace',
    ]);
  });

  it('SPLIT_DB_MODE=true: PRIMARY schemas in one database, DATA schemas in the other', async () => {
    const target: SplitTarget = {
      primaryUrl: urlOf('mig_primary'),
      dataUrl: urlOf('mig_data'),
      splitMode: true,
    };
    await withClients(target, async (clients) => {
      expect((await migrate(clients)).ok).toBe(true);
    });
    expect(await schemasAt(target.primaryUrl)).toEqual(['config', 'customer', 'drizzle']);
    expect(await schemasAt(target.dataUrl as string)).toEqual(['drizzle', 'reference', 'workspace']);
  });

  it('split clients over node-postgres migrate with the node-postgres migrator', async () => {
    const target: SplitTarget = {
      primaryUrl: urlOf('pg_primary'),
      dataUrl: urlOf('pg_data'),
      splitMode: true,
    };
    await withClients(
      target,
      async (clients) => {
        expect([clients.primary.kind, clients.data.kind]).toEqual(['pg', 'pg']);
        expect((await migrate(clients)).ok).toBe(true);
        const status = await migrationStatus(clients);
        expect(status.databases.map((d) => [d.database, d.applied.length, d.pending.length])).toEqual([
          ['primary', 1, 0],
          ['data', 1, 0],
        ]);
      },
      { driver: 'pg' },
    );
    expect(await schemasAt(target.primaryUrl)).toEqual(['config', 'customer', 'drizzle']);
    expect(await schemasAt(target.dataUrl as string)).toEqual(['drizzle', 'reference', 'workspace']);
  });

  it('refuses to migrate a DATA database that holds PRIMARY tables when split, and writes nothing there', async () => {
    const target: SplitTarget = {
      primaryUrl: urlOf('mig_primary'),
      dataUrl: urlOf('mig_single'),
      splitMode: true,
    };
    await withClients(target, async (clients) => {
      const report = await migrate(clients, { target: 'data' });
      expect(report.ok).toBe(false);
      const data = report.databases.find((d) => d.database === 'data');
      expect(data?.outcome).toBe('blocked');
      expect(JSON.stringify(data?.problems)).toMatch(/config|customer/);
      expect(JSON.stringify(report)).not.toContain('split-pw');
    });
  });

  it('--repair records a migration whose objects already exist instead of running it again', async () => {
    const target: SplitTarget = { primaryUrl: urlOf('repair_db'), splitMode: false };
    const handle = await connect(target.primaryUrl);
    for (const side of ['primary', 'data'] as const) {
      // The installed drizzle-kit line's folder (drizzle/<side> or drizzle/1.0/<side>): the same SQL.
      const [init] = readMigrationFolder(splitLayout[side].migrations.folder)._unsafeUnwrap();
      await handle.exec(init?.statements.join('') ?? '');
    }
    await handle.close();
    await withClients(target, async (clients) => {
      const plain = await migrate(clients);
      expect(plain.ok).toBe(false);
      const repaired = await migrate(clients, { repair: true });
      expect(repaired.ok).toBe(true);
      expect(repaired.databases.flatMap((d) => d.steps.map((s) => s.outcome))).toEqual([
        'recorded',
        'recorded',
      ]);
      const status = await migrationStatus(clients);
      expect(status.databases.every((d) => d.pending.length === 0)).toBe(true);
    });
  });

  it('drizzle-kit migrate --config drizzle/<database>.config.ts works against the server in both modes', async () => {
    expectKitResult(await checkDrizzleKitMigrate({ primaryUrl: urlOf('kit_single'), splitMode: false }));
    expectKitResult(
      await checkDrizzleKitMigrate({
        primaryUrl: urlOf('kit_primary'),
        dataUrl: urlOf('kit_data'),
        splitMode: true,
      }),
    );
    expect(await schemasAt(urlOf('kit_primary'))).toEqual(['config', 'customer', 'drizzle']);
  }, 240_000);
});
