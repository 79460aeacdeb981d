import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkDrift, type DriftOptions, syncBackup } from '../src/index.js';
import { createPglitePair, type PglitePair } from './support/pglite-pair.js';
import { AUDIT_LOG_DROP_ONE_DUPLICATE, HOSTILE_COLUMN, HOSTILE_KEY } from './support/test-schema.js';

let dbs: PglitePair;
const HOSTILE = '"we""ird; schema"."Tab le""; DROP TABLE shop.customers;--"';

beforeAll(async () => {
  dbs = await createPglitePair();
});
afterAll(async () => {
  await dbs?.close();
});
beforeEach(async () => {
  await dbs.reset(300);
  expect((await syncBackup({ source: dbs.source, target: dbs.target }))._unsafeUnwrap().ok).toBe(true);
});

const drift = (options: Partial<DriftOptions> = {}) =>
  checkDrift({
    source: dbs.source,
    target: dbs.target,
    recheckDelayMs: 0,
    chunkRows: 100,
    leafRows: 8,
    fanout: 4,
    ...options,
  });

const rowsOf = (report: Awaited<ReturnType<typeof drift>>, table: string) => {
  const t = report._unsafeUnwrap().tables.find((x) => x.table === table);
  return [...(t?.rows ?? [])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
};

describe('checkDrift on PGlite', () => {
  it('finds nothing after a sync', async () => {
    const report = (await drift())._unsafeUnwrap();
    expect(report.schema).toEqual([]);
    expect(report.tables.filter((t) => t.status !== 'clean')).toEqual([]);
    expect(report.clean).toBe(true);
    const orders = report.tables.find((t) => t.table === 'shop.orders');
    expect(orders).toMatchObject({ sourceRows: 600, targetRows: 600, mismatchedRanges: 0 });
    expect(orders?.ranges).toBeGreaterThanOrEqual(6);
  });

  it('locates missing, extra and changed rows, composite keys and hostile names included, and repairs them', async () => {
    await dbs.target.exec(`
      DELETE FROM shop.order_lines WHERE (order_id, line) IN ((7, 2), (450, 1));
      DELETE FROM shop.order_lines WHERE order_id = 599;
      DELETE FROM shop.orders WHERE id = 599;
      INSERT INTO shop.order_lines (order_id, line, product) VALUES (7, 3, 'extra line');
      UPDATE shop.customers SET balance = balance + 0.01 WHERE id IN (1, 150, 300);
      UPDATE shop.customers SET meta = '{"i": 42}' WHERE id = 42;
      INSERT INTO shop.customers (id, name, created) OVERRIDING SYSTEM VALUE VALUES (1000, 'extra', now());
      UPDATE ${HOSTILE} SET "${HOSTILE_COLUMN}" = 'x' WHERE "${HOSTILE_KEY.replaceAll('"', '""')}" = 13;
      ${AUDIT_LOG_DROP_ONE_DUPLICATE}`);
    const report = await drift();
    const value = report._unsafeUnwrap();
    expect(value.clean).toBe(false);
    expect(rowsOf(report, 'shop.order_lines')).toEqual([
      { kind: 'extra', key: { order_id: '7', line: '3' } },
      { kind: 'missing', key: { order_id: '450', line: '1' } },
      { kind: 'missing', key: { order_id: '599', line: '1' } },
      { kind: 'missing', key: { order_id: '599', line: '2' } },
      { kind: 'missing', key: { order_id: '7', line: '2' } },
    ]);
    expect(rowsOf(report, 'shop.orders')).toEqual([{ kind: 'missing', key: { id: '599' } }]);
    expect(rowsOf(report, 'shop.customers')).toEqual([
      { kind: 'changed', key: { id: '1' } },
      { kind: 'changed', key: { id: '150' } },
      { kind: 'changed', key: { id: '300' } },
      { kind: 'changed', key: { id: '42' } },
      { kind: 'extra', key: { id: '1000' } },
    ]);
    expect(rowsOf(report, HOSTILE)).toEqual([{ kind: 'changed', key: { [HOSTILE_KEY]: '13' } }]);
    const audit = value.tables.find((t) => t.table === 'shop.audit_log');
    expect(audit).toMatchObject({
      status: 'drift',
      comparison: 'whole-table',
      sourceRows: 13,
      targetRows: 12,
    });
    expect(audit?.reason).toMatch(/no primary key.*duplicates count.*replaces the whole table/);
    expect(value.tables.find((t) => t.table === 'shop.orders')).toMatchObject({
      sourceRows: 600,
      targetRows: 599,
    });

    const repaired = (await drift({ repair: true }))._unsafeUnwrap();
    const customers = repaired.tables.find((t) => t.table === 'shop.customers');
    expect(customers?.repair).toMatchObject({ upserted: 4, deleted: 1, verified: true });
    expect(repaired.tables.find((t) => t.table === 'shop.order_lines')?.repair).toMatchObject({
      upserted: 4,
      deleted: 1,
      verified: true,
    });
    expect(repaired.tables.find((t) => t.table === 'shop.audit_log')?.repair).toMatchObject({
      replaced: true,
      upserted: 13,
      deleted: 12,
      verified: true,
    });
    expect(repaired.clean).toBe(true);
    const after = (await drift())._unsafeUnwrap();
    expect(after.clean).toBe(true);
  });

  it('drops differences that settle during the recheck delay (writes in flight)', async () => {
    await dbs.target.exec(`UPDATE shop.orders SET note = 'stale' WHERE id IN (10, 20)`);
    const report = (
      await drift({
        recheckDelayMs: 5,
        sleep: async () => {
          await dbs.target.exec(`UPDATE shop.orders SET note = 'note 10' WHERE id = 10`);
        },
      })
    )._unsafeUnwrap();
    const orders = report.tables.find((t) => t.table === 'shop.orders');
    expect(orders).toMatchObject({ status: 'drift', changed: 1, settledOnRecheck: 1 });
    expect(orders?.rows).toEqual([{ kind: 'changed', key: { id: '20' } }]);
  });

  it('reports schema drift first and compares only the columns both sides share', async () => {
    await dbs.target.exec(`
      ALTER TABLE shop.orders ADD COLUMN extra_col int;
      ALTER TABLE shop.orders ALTER COLUMN note TYPE varchar(80);
      DROP INDEX shop.orders_customer;
      CREATE INDEX orders_placed ON shop.orders (placed);
      ALTER TYPE shop.mood ADD VALUE 'angry';
      CREATE TABLE shop.only_here (id int PRIMARY KEY);
      UPDATE shop.orders SET total = 0 WHERE id = 5;
      UPDATE shop.orders SET note = 'differs but not compared' WHERE id = 6;`);
    const report = (await drift())._unsafeUnwrap();
    const found = report.schema.map((d) => `${d.kind} ${d.object} ${d.difference}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'table shop.only_here extra-on-target',
        'column shop.orders.extra_col extra-on-target',
        'column shop.orders.note different',
        'index shop.orders orders_customer missing-on-target',
        'index shop.orders orders_placed extra-on-target',
        'enum shop.mood different',
      ]),
    );
    expect(report.schema.find((d) => d.object === 'shop.orders.note')).toMatchObject({
      source: 'character varying(40)',
      target: 'character varying(80)',
    });
    const orders = report.tables.find((t) => t.table === 'shop.orders');
    expect(orders?.ignoredColumns).toEqual(['note', 'extra_col']);
    expect(orders?.comparedColumns).not.toContain('note');
    expect(orders?.reason).toMatch(/left out \(schema differs\): note, extra_col/);
    expect(orders?.rows).toEqual([{ kind: 'changed', key: { id: '5' } }]);
    expect(report.clean).toBe(false);
  });

  it('finds the same rows with md5 range checksums', async () => {
    await dbs.target.exec(`UPDATE shop.orders SET total = 1 WHERE id = 321`);
    const report = (await drift({ checksum: 'md5' }))._unsafeUnwrap();
    expect(report.tables.find((t) => t.table === 'shop.orders')?.rows).toEqual([
      { kind: 'changed', key: { id: '321' } },
    ]);
    expect(report.tables.filter((t) => t.status !== 'clean').map((t) => t.table)).toEqual(['shop.orders']);
  });

  it('rejects bad options and unknown tables', async () => {
    expect((await drift({ chunkRows: 0 }))._unsafeUnwrapErr()).toMatchObject({ type: 'InvalidOptions' });
    expect((await drift({ tables: ['nope'] }))._unsafeUnwrapErr()).toMatchObject({ type: 'UnknownTable' });
  });
});
