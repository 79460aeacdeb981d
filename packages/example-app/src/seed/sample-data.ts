import type { AnyPgDatabase } from '@multidb/config';
import type { PgTable } from 'drizzle-orm/pg-core';
import { roles, sessions, userRoles, users } from '../schema/config.js';
import { clients, organizations } from '../schema/customer.js';
import {
  auditLog,
  documents,
  imports,
  invoices,
  jobExecutions,
  transformations,
} from '../schema/workspace.js';
import { createFactories } from './factories.js';
import { type ReferenceDataCounts, seedReferenceData } from './reference-data.js';

export interface SampleDataOptions {
  readonly seed?: number;
  readonly organizations?: number;
  readonly usersPerOrganization?: number;
  readonly clientsPerOrganization?: number;
  readonly invoicesPerClient?: number;
  readonly importsPerOrganization?: number;
}

export interface SampleDataCounts extends ReferenceDataCounts {
  readonly organizations: number;
  readonly users: number;
  readonly clients: number;
  readonly invoices: number;
  readonly imports: number;
  readonly documents: number;
  readonly auditLog: number;
}

const ROLE_KEYS = ['admin', 'accountant', 'viewer'];

async function insertChunked(db: AnyPgDatabase, table: PgTable, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(table).values(rows.slice(i, i + 500) as never);
}

/**
 * A realistic, deterministic data set across both databases (pass the same database twice when not split):
 * reference data, then organizations, users and clients in PRIMARY, imports, documents and invoices in DATA.
 * Meant for empty databases (demo, bench, tests).
 */
export async function seedSampleData(
  databases: { readonly primary: AnyPgDatabase; readonly data: AnyPgDatabase },
  options: SampleDataOptions = {},
): Promise<SampleDataCounts> {
  const f = createFactories({ seed: options.seed ?? 1 });
  const reference = await seedReferenceData(databases.data, { seed: options.seed ?? 1 });
  const orgs = Array.from({ length: options.organizations ?? 3 }, () => f.makeOrganization());
  const people = orgs.flatMap((o) =>
    Array.from({ length: options.usersPerOrganization ?? 4 }, () => f.makeUser({ organizationId: o.id })),
  );
  const customerRows = orgs.flatMap((o) =>
    Array.from({ length: options.clientsPerOrganization ?? 5 }, () => f.makeClient(o.id as string)),
  );
  await insertChunked(databases.primary, organizations, orgs);
  await insertChunked(databases.primary, users, people);
  await insertChunked(
    databases.primary,
    roles,
    ROLE_KEYS.map((k) => f.makeRole(k)),
  );
  await insertChunked(
    databases.primary,
    userRoles,
    people.map((u, i) => f.makeUserRole(u.id as string, ROLE_KEYS[i % ROLE_KEYS.length] as string)),
  );
  await insertChunked(
    databases.primary,
    sessions,
    people.map((u) => f.makeSession(u.id as string)),
  );
  await insertChunked(databases.primary, clients, customerRows);

  const importRows = orgs.flatMap((o) =>
    Array.from({ length: options.importsPerOrganization ?? 2 }, () => f.makeImport(o.id as string)),
  );
  const documentRows = importRows.map((i) => f.makeDocument(i.organizationId, { importId: i.id }));
  const invoiceRows = customerRows.flatMap((c) =>
    Array.from({ length: options.invoicesPerClient ?? 4 }, () =>
      f.makeInvoice(c.organizationId, c.id as string, { currencyCode: c.currencyCode }),
    ),
  );
  const audit = invoiceRows.map((inv) =>
    f.makeAuditEntry({
      organizationId: inv.organizationId,
      entity: 'invoice',
      entityId: inv.id,
      action: 'create',
    }),
  );
  await insertChunked(databases.data, imports, importRows);
  await insertChunked(
    databases.data,
    transformations,
    importRows.map((i) => f.makeTransformation(i.id as string)),
  );
  await insertChunked(databases.data, documents, documentRows);
  await insertChunked(databases.data, invoices, invoiceRows);
  await insertChunked(databases.data, auditLog, audit);
  await insertChunked(
    databases.data,
    jobExecutions,
    importRows.map((i) => f.makeJobExecution({ importId: i.id })),
  );
  return {
    ...reference,
    organizations: orgs.length,
    users: people.length,
    clients: customerRows.length,
    invoices: invoiceRows.length,
    imports: importRows.length,
    documents: documentRows.length,
    auditLog: audit.length,
  };
}
