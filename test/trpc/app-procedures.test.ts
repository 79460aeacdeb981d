import { createAppCaller, createAppRouter, organizations, sessions, users } from '@multidb/example-app';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTrpcCluster, type TrpcCluster } from './trpc-cluster.js';

// The reference procedures called in process (createCaller), each on the intent that fits it.
let cluster: TrpcCluster;
let now = new Date('2030-01-01T12:00:00Z');
let caller: ReturnType<typeof createAppCaller>;

beforeAll(async () => {
  cluster = await startTrpcCluster();
  caller = createAppCaller(createAppRouter(cluster.router, { now: () => now }));
});
afterAll(() => cluster?.close());

async function replicate(): Promise<void> {
  await cluster.replica.catchUp();
  await cluster.router.checkHealth();
}

const org = (slug: string, email: string) => ({
  slug,
  name: slug.toUpperCase(),
  plan: 'team' as const,
  countryCode: 'FR',
  owner: { email, displayName: 'Owner' },
});

describe('organization', () => {
  test('create commits the organization and its owner together', async () => {
    const { organization, owner } = await caller.organization.create(org('globex', 'hank@globex.test'));
    expect(organization).toMatchObject({ slug: 'globex', plan: 'team' });
    expect(owner).toMatchObject({
      email: 'hank@globex.test',
      status: 'active',
      organizationId: organization.id,
    });
    await replicate();
    const found = await caller.organization.bySlug({ slug: 'globex' });
    expect(found?.users.map((u) => u.email)).toEqual(['hank@globex.test']);
  });

  test('a failing owner insert rolls the organization back (one transaction)', async () => {
    await expect(caller.organization.create(org('initech', 'HANK@globex.test'))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const rows = await cluster.primary.db
      .select()
      .from(organizations)
      .where(eq(organizations.slug, 'initech'));
    expect(rows).toEqual([]);
  });

  test('invalid input is a BAD_REQUEST before any query', async () => {
    const before = cluster.router.getMetrics().routed.transactional.primary;
    await expect(caller.organization.create({ ...org('Bad Slug!', 'x@y.test') })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(cluster.router.getMetrics().routed.transactional.primary).toBe(before);
  });
});

describe('client', () => {
  test('create, byId, list with keyset pagination', async () => {
    const { organization } = await caller.organization.create(org('umbrella', 'alice@umbrella.test'));
    const created = [];
    for (let i = 0; i < 5; i++)
      created.push(
        await caller.client.create({ organizationId: organization.id, name: `C${i}`, externalRef: `r${i}` }),
      );
    expect(created[0]).toMatchObject({ name: 'C0', currencyCode: 'EUR', organizationId: organization.id });
    await replicate();
    expect(await caller.client.byId({ id: created[0]?.id as string })).toMatchObject({ name: 'C0' });
    const ids = created.map((c) => c.id).sort();
    const page1 = await caller.client.list({ organizationId: organization.id, limit: 3 });
    const page2 = await caller.client.list({
      organizationId: organization.id,
      limit: 3,
      after: page1.at(-1)?.id,
    });
    expect([...page1, ...page2].map((c) => c.id)).toEqual(ids);
  });

  test('constraint violations become client errors', async () => {
    await expect(
      caller.client.create({
        organizationId: '00000000-0000-4000-8000-000000000001',
        name: 'x',
        externalRef: 'x',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'organization not found' });
    const { organization } = await caller.organization.create(org('hooli', 'gavin@hooli.test'));
    await caller.client.create({ organizationId: organization.id, name: 'a', externalRef: 'dup' });
    await expect(
      caller.client.create({ organizationId: organization.id, name: 'b', externalRef: 'dup' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('report (analytics) and session (background)', () => {
  test('clients per organization and plan counts are served by the replica', async () => {
    const { organization } = await caller.organization.create({
      ...org('massive', 'm@massive.test'),
      plan: 'enterprise',
    });
    for (let i = 0; i < 7; i++)
      await caller.client.create({ organizationId: organization.id, name: `M${i}`, externalRef: `m${i}` });
    await replicate();
    const before = cluster.served('analytics', 'replica');
    const [top] = await caller.report.clientsByOrganization({ limit: 1 });
    expect(top).toEqual({ organizationId: organization.id, name: 'MASSIVE', plan: 'enterprise', clients: 7 });
    const plans = await caller.report.planCounts();
    expect(plans.find((p) => p.plan === 'enterprise')?.organizations).toBe(1);
    expect(cluster.served('analytics', 'replica')).toBe(before + 2);
  });

  test('expired sessions are found on the background intent and purged on the primary', async () => {
    const [user] = await cluster.primary.db.select({ id: users.id }).from(users).limit(1);
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    await cluster.primary.db.insert(sessions).values([
      { id: 'old-1', userId: user?.id as string, expiresAt: at(-60) },
      { id: 'old-2', userId: user?.id as string, expiresAt: at(-5) },
      { id: 'live', userId: user?.id as string, expiresAt: at(30) },
    ]);
    await replicate();
    const before = cluster.served('background', 'replica');
    const expired = await caller.session.expired({});
    expect(expired.map((s) => s.id)).toEqual(['old-1', 'old-2']);
    expect(cluster.served('background', 'replica')).toBe(before + 1);
    // A stale list naming a live session does not delete it: the primary re-checks expiry.
    expect(await caller.session.purge({ ids: ['old-1', 'old-2', 'live'] })).toEqual({ deleted: 2 });
    now = at(60);
    expect(await caller.session.purge({ ids: ['live'] })).toEqual({ deleted: 1 });
  });
});
