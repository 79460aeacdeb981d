import { executeRows } from '@multidb/config';
import { migrate } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import {
  createPgliteFixture,
  createPgliteTemplate,
  type PgliteFixture,
  type PgliteTemplate,
} from '@multidb/testing';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  createFactories,
  type ExampleSchema,
  exchangeRates,
  invoices,
  organizations,
  relationalOptions,
  seedReferenceData,
  seedSampleData,
  splitLayout,
  users,
} from '../src/index.js';

let template: PgliteTemplate;
let fixture: PgliteFixture<ExampleSchema>;
beforeAll(async () => {
  template = await createPgliteTemplate({
    setup: async (pg) => {
      const report = await migrate(
        splitClientsFromPglite(splitLayout, { primary: pg }, { ownsClients: false }),
      );
      if (!report.ok) throw new Error(JSON.stringify(report));
    },
  });
  fixture = await createPgliteFixture(template, relationalOptions('both'));
});
afterEach(() => fixture.reset());
afterAll(() => template.close());

describe('factories', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    const a = createFactories({ seed: 7 });
    const b = createFactories({ seed: 7 });
    const org = a.makeOrganization();
    expect(b.makeOrganization()).toEqual(org);
    expect(a.makeInvoice(org.id as string, 'c')).toEqual(b.makeInvoice(org.id as string, 'c'));
    expect(createFactories({ seed: 8 }).makeOrganization()).not.toEqual(org);
    expect(org.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('reference schema on PGlite', () => {
  it('seeds a consistent sample data set', async () => {
    const counts = await seedSampleData({ primary: fixture.db, data: fixture.db }, { seed: 3 });
    expect(counts).toMatchObject({ organizations: 3, users: 12, clients: 15, invoices: 60, currencies: 8 });
    const [row] = await executeRows<{ n: number }>(
      fixture.db,
      'select count(*)::int as n from workspace.invoices i join reference.currencies c on c.code = i.currency_code',
    );
    expect(row?.n).toBe(60);
    const ids = await fixture.db.select({ id: auditLog.id }).from(auditLog).orderBy(auditLog.id).limit(3);
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3]); // identity column, restarted by reset
    const withClients = await fixture.db.query.organizations.findFirst({ with: { clients: true } });
    expect(withClients?.clients).toHaveLength(5);
  });

  it('applies JS defaults ($defaultFn, $onUpdateFn) and SQL defaults', async () => {
    const [org] = await fixture.db
      .insert(organizations)
      .values({ slug: 'acme', name: 'Acme', countryCode: 'DE' })
      .returning();
    expect(org?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(org?.plan).toBe('free');
    const [user] = await fixture.db
      .insert(users)
      .values({ email: 'a@acme.test', displayName: 'A', organizationId: org?.id })
      .returning();
    expect(user?.status).toBe('invited');
    const created = user?.updatedAt as Date;
    await new Promise((r) => setTimeout(r, 5));
    const [updated] = await fixture.db
      .update(users)
      .set({ displayName: 'B' })
      .where(eq(users.id, user?.id as string))
      .returning();
    expect(updated?.updatedAt.getTime()).toBeGreaterThan(created.getTime());
  });

  it('enforces foreign keys inside the DATA database and the composite key of exchange rates', async () => {
    const f = createFactories({ seed: 1 });
    const org = f.makeOrganization();
    const orphan = f.makeInvoice(org.id as string, f.makeClient(org.id as string).id as string, {
      currencyCode: 'XXX',
    });
    await expect(fixture.db.insert(invoices).values(orphan)).rejects.toMatchObject({
      cause: {
        message: expect.stringMatching(/foreign key constraint "invoices_currency_code_currencies_code_fk"/),
      },
    });
    await seedReferenceData(fixture.db, { days: 2 });
    const rates = await fixture.db.select().from(exchangeRates);
    expect(rates).toHaveLength(14);
    await seedReferenceData(fixture.db, { days: 2 }); // idempotent
    expect(await fixture.db.select().from(exchangeRates)).toHaveLength(14);
  });
});
