import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveEndpoint, type SqlEndpoint, type SyncProgress, syncBackup } from '../src/index.js';
import { createPglitePair, type PglitePair } from './support/pglite-pair.js';
import { SYNCED_TABLES, tableSnapshot } from './support/table-snapshot.js';
import { HOSTILE_SCHEMA, HOSTILE_TABLE } from './support/test-schema.js';

let dbs: PglitePair;
let source: SqlEndpoint;
let target: SqlEndpoint;

beforeAll(async () => {
  dbs = await createPglitePair();
  source = await resolveEndpoint(dbs.source, 'source');
  target = await resolveEndpoint(dbs.target, 'target');
});
afterAll(async () => {
  await dbs?.close();
});
beforeEach(async () => {
  await dbs.reset(300);
});

async function expectEqual(tables = SYNCED_TABLES): Promise<void> {
  for (const table of tables) {
    const [a, b] = await Promise.all([tableSnapshot(source, table), tableSnapshot(target, table)]);
    expect(b.length, table).toBe(a.length);
    expect(b, table).toEqual(a);
  }
}

const sync = (options: Partial<Parameters<typeof syncBackup>[0]> = {}) =>
  syncBackup({ source: dbs.source, target: dbs.target, batchSize: 100, ...options });

describe('syncBackup on PGlite', () => {
  it('copies every table in foreign-key order, row for row, and fixes sequences', async () => {
    const report = (await sync())._unsafeUnwrap();
    expect(report.ok).toBe(true);
    await expectEqual();
    const order = report.order.flat();
    expect(order.indexOf('shop.customers')).toBeLessThan(order.indexOf('shop.orders'));
    expect(order.indexOf('shop.orders')).toBeLessThan(order.indexOf('shop.order_lines'));
    expect(report.order).toContainEqual(['shop.players', 'shop.teams']);
    const byName = new Map(report.tables.map((t) => [t.table, t]));
    expect(byName.get('shop.players')?.mode).toBe('deferred');
    expect(byName.get('shop.employees')?.mode).toBe('replica-role');
    expect(byName.get('shop.audit_log')).toMatchObject({
      status: 'copied',
      handling: 'whole-table',
      strategy: 'batch',
      rowsRead: 13,
      rowsWritten: 13,
    });
    expect(byName.get('shop.customers')?.handling).toBe('keyset');
    expect(report.problems).toEqual([]);
    expect(byName.get('shop.customers')).toMatchObject({ status: 'copied', rowsRead: 300, rowsWritten: 300 });
    expect(byName.get('shop.settings')).toMatchObject({ status: 'copied', rowsRead: 30 });
    // New rows on the backup continue after the copied ones.
    const [customer] = await target.rows<{ id: number }>(
      `INSERT INTO shop.customers (name, created) VALUES ('new', now()) RETURNING id`,
    );
    expect(customer?.id).toBe(301);
    const [newOrder] = await target.rows<{ id: string }>(
      `INSERT INTO shop.orders (customer_id) VALUES (1) RETURNING id::text`,
    );
    expect(newOrder?.id).toBe('601');
    expect(await target.rows(`SELECT * FROM multidb_sync.checkpoint`)).toEqual([]);
  });

  it('is a no-op in effect when run again, and writes only what changed', async () => {
    (await sync())._unsafeUnwrap();
    const again = (await sync())._unsafeUnwrap();
    expect(again.ok).toBe(true);
    expect(again.rowsWritten).toBe(0);
    expect(again.rowsRead).toBeGreaterThan(1000);
    await source.rows(`UPDATE shop.orders SET note = 'changed' WHERE id IN (5, 77, 500)`);
    await source.rows(`INSERT INTO shop.settings VALUES ('new one', 'x')`);
    const third = (await sync())._unsafeUnwrap();
    expect(third.rowsWritten).toBe(4);
    await expectEqual();
  });

  it('resumes after an interruption from the checkpoint it committed', async () => {
    const controller = new AbortController();
    let chunks = 0;
    const onProgress = (event: SyncProgress) => {
      if (event.phase === 'chunk' && event.table === 'shop.orders' && ++chunks === 3) controller.abort();
    };
    const first = (await sync({ signal: controller.signal, onProgress }))._unsafeUnwrap();
    expect(first.ok).toBe(false);
    expect(first.aborted).toBe(true);
    const [checkpoint] = await target.rows<{ rows: string; done: boolean }>(
      `SELECT rows_copied::text AS rows, done FROM multidb_sync.checkpoint WHERE table_id = '["shop","orders"]'`,
    );
    expect(checkpoint).toEqual({ rows: '300', done: false });
    const [copied] = await target.rows<{ n: number }>(`SELECT count(*)::int AS n FROM shop.orders`);
    expect(copied?.n).toBe(300);

    const second = (await sync())._unsafeUnwrap();
    expect(second.ok).toBe(true);
    const orders = second.tables.find((t) => t.table === 'shop.orders');
    expect(orders).toMatchObject({ resumedAfterRows: 300, rowsRead: 300 });
    const customers = second.tables.find((t) => t.table === 'shop.customers');
    expect(customers).toMatchObject({ status: 'copied', rowsRead: 0, resumedAfterRows: 300 });
    await expectEqual();
    expect(await target.rows(`SELECT * FROM multidb_sync.checkpoint`)).toEqual([]);
  });

  it('plans without writing anything on a dry run', async () => {
    const report = (await sync({ dryRun: true }))._unsafeUnwrap();
    expect(report.dryRun).toBe(true);
    expect(report.tables.find((t) => t.table === 'shop.customers')).toMatchObject({ status: 'planned' });
    const [count] = await target.rows<{ n: number }>(`SELECT count(*)::int AS n FROM shop.customers`);
    expect(count?.n).toBe(0);
    const [schema] = await target.rows<{ found: boolean }>(
      `SELECT to_regnamespace('multidb_sync') IS NOT NULL AS found`,
    );
    expect(schema?.found).toBe(false);
  });

  it('rejects unknown tables and bad options before writing anything', async () => {
    const unknown = await sync({ tables: ['shop.customers', 'shop.nope'] });
    expect(unknown._unsafeUnwrapErr()).toMatchObject({ type: 'UnknownTable', names: ['shop.nope'] });
    const bad = await sync({ batchSize: 0 });
    expect(bad._unsafeUnwrapErr()).toMatchObject({ type: 'InvalidOptions' });
    const [schema] = await target.rows<{ found: boolean }>(
      `SELECT to_regnamespace('multidb_sync') IS NOT NULL AS found`,
    );
    expect(schema?.found).toBe(false);
  });

  it('copies a table with a hostile name picked on the command line, and nothing else', async () => {
    const name = `"${HOSTILE_SCHEMA.replaceAll('"', '""')}"."${HOSTILE_TABLE.replaceAll('"', '""')}"`;
    const report = (await sync({ tables: [name] }))._unsafeUnwrap();
    expect(report.tables).toHaveLength(1);
    expect(report.tables[0]).toMatchObject({ status: 'copied', rowsRead: 25 });
    await expectEqual([SYNCED_TABLES.at(-1) as string]);
    const [customers] = await target.rows<{ n: number }>(`SELECT count(*)::int AS n FROM shop.customers`);
    expect(customers?.n).toBe(0);
  });

  it('reports a cycle it may not copy, with what to do', async () => {
    await dbs.target.exec(`ALTER TABLE shop.teams ALTER CONSTRAINT teams_captain_fk NOT DEFERRABLE;
      CREATE ROLE limited; GRANT ALL ON ALL TABLES IN SCHEMA shop TO limited; GRANT USAGE ON SCHEMA shop TO limited;
      GRANT ALL ON ALL SEQUENCES IN SCHEMA shop TO limited; GRANT CREATE ON DATABASE postgres TO limited;
      SET ROLE limited;`);
    try {
      const report = (await sync({ tables: ['shop.teams', 'shop.players'] }))._unsafeUnwrap();
      expect(report.ok).toBe(false);
      for (const table of report.tables) {
        expect(table.status).toBe('failed');
        expect(table.reason).toMatch(/shop\.players, shop\.teams reference each other/);
        expect(table.reason).toMatch(
          /ALTER TABLE "shop"\."teams" ALTER CONSTRAINT "teams_captain_fk" DEFERRABLE/,
        );
      }
    } finally {
      await dbs.target.exec(`RESET ROLE; DROP OWNED BY limited; DROP ROLE limited;`);
    }
  });
});
