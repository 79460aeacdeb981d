import { drizzleLine, executeRows, isMultiDbError } from '@multidb/config';
import { migrate } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import {
  createPgliteFixture,
  createPgliteTemplate,
  type PgliteFixture,
  type PgliteTemplate,
} from '@multidb/testing';
import { eq } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dataRelations,
  dataSchema,
  type ExampleSchema,
  organizations,
  organizationWithUsers,
  primaryRelations,
  relationalOptions,
  schema,
  seedSampleData,
  splitLayout,
  users,
} from '../src/index.js';

// The app's relations on the installed drizzle-orm line: v1 `relations()` (the `schema` option) on 0.45,
// `defineRelations` (the `relations` option) on 1.0. Both declarations must give the same relations, row for row.

/** A `one` relation: `table.relation` is the row of the target whose `to` equals `table.from` (or null). */
const ONE: readonly (readonly [table: string, relation: string, from: string, to: string])[] = [
  ['users', 'organization', 'organizationId', 'id'],
  ['sessions', 'user', 'userId', 'id'],
  ['userRoles', 'user', 'userId', 'id'],
  ['userRoles', 'role', 'roleKey', 'key'],
  ['clients', 'organization', 'organizationId', 'id'],
  ['transformations', 'import', 'importId', 'id'],
  ['documents', 'import', 'importId', 'id'],
  ['invoices', 'document', 'documentId', 'id'],
  ['invoices', 'currency', 'currencyCode', 'code'],
  ['jobExecutions', 'import', 'importId', 'id'],
  ['countries', 'currency', 'currencyCode', 'code'],
  ['exchangeRates', 'base', 'baseCode', 'code'],
  ['exchangeRates', 'quote', 'quoteCode', 'code'],
];

/** A `many` relation: `table.relation` holds every row of `child` whose `childColumn` equals `table.key`. */
const MANY: readonly (readonly [
  table: string,
  relation: string,
  key: string,
  child: string,
  childColumn: string,
])[] = [
  ['users', 'sessions', 'id', 'sessions', 'userId'],
  ['users', 'userRoles', 'id', 'userRoles', 'userId'],
  ['roles', 'userRoles', 'key', 'userRoles', 'roleKey'],
  ['organizations', 'clients', 'id', 'clients', 'organizationId'],
  ['organizations', 'users', 'id', 'users', 'organizationId'],
  ['imports', 'transformations', 'id', 'transformations', 'importId'],
  ['imports', 'documents', 'id', 'documents', 'importId'],
  ['imports', 'jobExecutions', 'id', 'jobExecutions', 'importId'],
  ['documents', 'invoices', 'id', 'invoices', 'documentId'],
  ['currencies', 'countries', 'code', 'countries', 'currencyCode'],
  ['currencies', 'invoices', 'code', 'invoices', 'currencyCode'],
];

type Row = Record<string, unknown>;
type LooseQuery = Record<string, { findMany(config: { with: Record<string, true> }): Promise<Row[]> }>;

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
  await seedSampleData({ primary: fixture.db, data: fixture.db }, { seed: 5 });
  // The sample data leaves invoices without documents: attach some, so that relation has rows too.
  await fixture.pg.exec(`UPDATE workspace.invoices i SET document_id = d.id
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM workspace.documents) d
    WHERE d.n = 1 + (abs(hashtext(i.id::text)) % 3)`);
});
afterAll(async () => {
  await fixture?.close();
  await template?.close();
});

/** The relation names the installed line's declarations give each table. */
function declaredRelations(): Record<string, string[]> {
  const names = (tables: Record<string, { relations: object }>) =>
    Object.fromEntries(
      Object.entries(tables)
        .map(([table, config]) => [table, Object.keys(config.relations).sort()] as const)
        .filter(([, relations]) => relations.length > 0),
    );
  if (drizzleLine() === '0.45') {
    return names(
      (fixture.db as unknown as { _: { schema: Record<string, { relations: object }> } })._.schema,
    );
  }
  return names(relationalOptions('both').relations as unknown as Record<string, { relations: object }>);
}

describe(`relations on drizzle-orm ${drizzleLine()}`, () => {
  it('declare exactly the expected relations on each table', () => {
    const expected: Record<string, string[]> = {};
    for (const [table, relation] of [...ONE, ...MANY]) {
      expected[table] = [...(expected[table] ?? []), relation].sort();
    }
    expect(declaredRelations()).toEqual(expected);
  });

  it.each(ONE)('%s.%s is the row its foreign key names', async (table, relation, from, to) => {
    const rows = await (fixture.db.query as unknown as LooseQuery)[table]?.findMany({
      with: { [relation]: true },
    });
    expect(rows?.length).toBeGreaterThan(0);
    let linked = 0;
    for (const row of rows ?? []) {
      const target = row[relation] as Row | null;
      if (row[from] === null) expect(target).toBeNull();
      else {
        expect(target?.[to]).toBe(row[from]);
        linked++;
      }
    }
    expect(linked).toBeGreaterThan(0);
  });

  it.each(MANY)('%s.%s holds every child row', async (table, relation, key, child, childColumn) => {
    const rows = await (fixture.db.query as unknown as LooseQuery)[table]?.findMany({
      with: { [relation]: true },
    });
    let children = 0;
    for (const row of rows ?? []) {
      const list = row[relation] as Row[];
      for (const item of list) expect(item[childColumn]).toBe(row[key]);
      children += list.length;
    }
    const all = (await fixture.db.select().from(schema[child as keyof ExampleSchema] as PgTable)) as Row[];
    const expected = all.filter((item) => item[childColumn] !== null).length;
    expect(expected).toBeGreaterThan(0);
    expect(children).toBe(expected);
  });

  it('organizationWithUsers (one select and a join) equals the relational query of the line', async () => {
    const [{ slug } = { slug: '' }] = await executeRows<{ slug: string }>(
      fixture.db,
      'select slug from customer.organizations order by slug limit 1',
    );
    const joined = await organizationWithUsers(fixture.db, slug);
    const columns = { id: true, email: true, displayName: true, status: true } as const;
    const relational =
      drizzleLine() === '0.45'
        ? await fixture.db.query.organizations.findFirst({
            where: eq(organizations.slug, slug),
            with: { users: { columns } },
          })
        : // 1.0 spelling: object filters (`where: eq(...)` is v1 only); untyped here, where 0.45's types are installed.
          await (
            fixture.db.query.organizations as unknown as {
              findFirst(config: object): Promise<{ users: { id: string }[] } | undefined>;
            }
          ).findFirst({ where: { slug }, with: { users: { columns } } });
    expect(joined?.users).toHaveLength(4); // usersPerOrganization
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect({ ...joined, users: [...(joined?.users ?? [])].sort(byId) }).toEqual({
      ...relational,
      users: [...(relational?.users ?? [])].sort(byId),
    });
  });

  it('organizationWithUsers: no users is an empty list, an unknown slug is null', async () => {
    const [org] = await fixture.db
      .insert(organizations)
      .values({ slug: 'lonely', name: 'Lonely', countryCode: 'FR' })
      .returning();
    expect(await organizationWithUsers(fixture.db, 'lonely')).toEqual({ ...org, users: [] });
    expect(await organizationWithUsers(fixture.db, 'nobody')).toBeNull();
    await fixture.db
      .insert(users)
      .values({ email: 'l@lonely.test', displayName: 'L', organizationId: org?.id });
    expect((await organizationWithUsers(fixture.db, 'lonely'))?.users.map((u) => u.email)).toEqual([
      'l@lonely.test',
    ]);
  });
});

describe.runIf(drizzleLine() === '0.45')('relationalOptions on drizzle-orm 0.45', () => {
  it('gives the v1 schema, and the defineRelations builders refuse to run', () => {
    expect(Object.keys(relationalOptions('primary'))).toEqual(['schema']);
    expect(relationalOptions('data').schema).toBe(dataSchema);
    expect(relationalOptions('both').schema).toBe(schema);
    for (const build of [primaryRelations, dataRelations]) {
      let error: unknown;
      try {
        build();
      } catch (caught) {
        error = caught;
      }
      expect(isMultiDbError(error, 'DrizzleIncompatible')).toBe(true);
      expect((error as Error).message).toMatch(/no defineRelations .*pass `schema` instead/);
    }
  });
});

describe.runIf(drizzleLine() === '1.0')('relationalOptions on drizzle-orm 1.0', () => {
  it('gives defineRelations results per side, each side with its own tables only', () => {
    expect(Object.keys(relationalOptions('primary'))).toEqual(['relations']);
    expect(Object.keys(relationalOptions('primary').relations ?? {}).sort()).toEqual([
      'clients',
      'organizations',
      'roles',
      'sessions',
      'userRoles',
      'users',
    ]);
    expect(Object.keys(relationalOptions('data').relations ?? {})).not.toContain('users');
    expect(relationalOptions('primary').relations).toBe(primaryRelations());
  });
});
