import { executeRows } from '@multidb/config';
import { invoices, organizations, seedSampleData, splitLayout, users } from '@multidb/example-app';
import { closeSharedPgliteTemplates } from '@multidb/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openExampleFixture } from './example-fixtures.js';

afterAll(() => closeSharedPgliteTemplates());

const schemasOf = async (clients: Awaited<ReturnType<typeof openExampleFixture>>, side: 'primary' | 'data') =>
  (
    await executeRows<{ n: string }>(
      clients[side].db,
      `select nspname as n from pg_namespace where nspname in ('config','customer','workspace','reference') order by 1`,
    )
  ).map((r) => r.n);

describe('the example-app split layout', () => {
  it('puts config + customer in PRIMARY and workspace + reference in DATA', () => {
    expect(splitLayout.primary.schemas).toEqual(['config', 'customer']);
    expect(splitLayout.data.schemas).toEqual(['workspace', 'reference']);
    expect(splitLayout.primary.tables).toHaveLength(6);
    expect(splitLayout.data.tables).toHaveLength(9);
    expect(splitLayout.databaseOf(users)).toBe('primary');
    expect(splitLayout.databaseOf(organizations)).toBe('primary');
    expect(splitLayout.databaseOf(invoices)).toBe('data');
  });

  it.each([false, true])('fixtures from migrated templates work with split=%s', async (split) => {
    const clients = await openExampleFixture(split);
    try {
      expect(clients.splitMode).toBe(split);
      expect(await schemasOf(clients, 'primary')).toEqual(
        split ? ['config', 'customer'] : ['config', 'customer', 'reference', 'workspace'],
      );
      expect(await schemasOf(clients, 'data')).toEqual(
        split ? ['reference', 'workspace'] : ['config', 'customer', 'reference', 'workspace'],
      );
      const counts = await seedSampleData(
        { primary: clients.primary.db, data: clients.data.db },
        { organizations: 1 },
      );
      expect(await clients.primary.db.$count(users)).toBe(counts.users);
      expect(await clients.data.db.$count(invoices)).toBe(counts.invoices);
    } finally {
      await clients.close();
    }
  });
});
