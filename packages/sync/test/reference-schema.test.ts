import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { seedSampleData, splitLayout } from '@multidb/example-app';
import { migrate } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import { createPgliteTemplate, type PgliteTemplate } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, introspect, resolveEndpoint, syncBackup } from '../src/index.js';
import { tableSnapshot } from './support/table-snapshot.js';

let template: PgliteTemplate;
let source: DbHandle;
let target: DbHandle;

beforeAll(async () => {
  template = await createPgliteTemplate({
    setup: async (pg) => {
      const report = await migrate(
        splitClientsFromPglite(splitLayout, { primary: pg }, { ownsClients: false }),
      );
      if (!report.ok) throw new Error(JSON.stringify(report));
    },
  });
  source = fromPglite(await template.clone(), { name: 'primary' });
  target = fromPglite(await template.clone(), { name: 'backup' });
  await seedSampleData({ primary: source.db, data: source.db }, { seed: 5 });
});
afterAll(async () => {
  await Promise.allSettled([source?.close(), target?.close()]);
  await template?.close();
});

describe('the reference schema (example app, four pgSchemas)', () => {
  it('is copied whole, every table equal row for row, and drift finds nothing, then a change', async () => {
    const report = (await syncBackup({ source, target }))._unsafeUnwrap();
    expect(report.ok).toBe(true);
    const endpoint = {
      source: await resolveEndpoint(source, 's'),
      target: await resolveEndpoint(target, 't'),
    };
    const catalog = await introspect(endpoint.source);
    const schemas = new Set(catalog.tables.map((t) => t.schema));
    expect([...schemas].sort()).toEqual(['config', 'customer', 'reference', 'workspace']);
    let rows = 0;
    for (const table of catalog.tables) {
      const [a, b] = await Promise.all([
        tableSnapshot(endpoint.source, table.sqlName),
        tableSnapshot(endpoint.target, table.sqlName),
      ]);
      expect(b, table.display).toEqual(a);
      rows += a.length;
    }
    expect(rows).toBeGreaterThan(100);
    expect(report.rowsRead).toBe(rows);

    const clean = (await checkDrift({ source, target, recheckDelayMs: 0 }))._unsafeUnwrap();
    expect(clean.clean).toBe(true);
    await target.exec(
      `UPDATE workspace.invoices SET total = total + 1 WHERE id = (SELECT id FROM workspace.invoices ORDER BY id LIMIT 1)`,
    );
    const drift = (await checkDrift({ source, target, recheckDelayMs: 0, repair: true }))._unsafeUnwrap();
    const invoices = drift.tables.find((t) => t.table === 'workspace.invoices');
    expect(invoices).toMatchObject({ status: 'drift', changed: 1, repair: { verified: true } });
    expect(drift.clean).toBe(true);
  });
});
