import type { AnyPgDatabase } from '@multidb/config';
import {
  auditLog,
  clients,
  documents,
  exchangeRates,
  type Factories,
  imports,
  invoices,
  organizations,
  type Random,
  sessions,
  transformations,
  userRoles,
  users,
} from '@multidb/example-app';
import { and, eq, sql } from 'drizzle-orm';

/** How the workload reaches the databases: the way an app does, through the router. */
export interface WorkloadClients {
  /** `router.getClient('write')` (dual-write capture composed in). */
  write(): AnyPgDatabase;
  /** `router.withTransaction(...)`. */
  transaction<T>(fn: (tx: AnyPgDatabase) => Promise<T>): Promise<T>;
  /** `router.getClient('read')`. */
  read(): AnyPgDatabase;
}

interface OrgRef {
  readonly id: string;
  readonly clients: string[];
  readonly users: string[];
}

/** The rows one worker created and may update or delete (workers never step on each other's unique values). */
export class WorkerRows {
  readonly orgs: OrgRef[] = [];
  readonly imports: string[] = [];
  readonly invoices: string[] = [];
  readonly documents: string[] = [];
}

export interface OpContext {
  readonly db: WorkloadClients;
  readonly f: Factories;
  readonly random: Random;
  readonly rows: WorkerRows;
  /** A value unique to this worker and call (slugs, emails, numbers). */
  unique(): string;
  /** Rows every worker of every process updates (contention scenarios). */
  readonly shared?: SharedRows;
}

export interface SharedRows {
  readonly invoices: readonly string[];
  readonly clients: readonly string[];
}

export interface Op {
  readonly name: string;
  readonly weight: number;
  /** Returns false when it had nothing to work on (the worker then creates an organization instead). */
  run(ctx: OpContext): Promise<boolean>;
}

const QUOTES = ['USD', 'GBP', 'CHF', 'JPY', 'SEK', 'PLN', 'CAD'];
const STATUSES = ['draft', 'issued', 'paid', 'void'] as const;

function take<T>(random: Random, list: T[], remove = false): T | undefined {
  if (list.length === 0) return undefined;
  const i = random.int(0, list.length - 1);
  const item = list[i] as T;
  if (remove) list.splice(i, 1);
  return item;
}

const money = (random: Random) => (random.int(100, 1_000_000) / 100).toFixed(2);

export const createOrganization: Op = {
  name: 'createOrganization',
  weight: 8,
  async run({ db, f, rows, unique }) {
    const org = await db.transaction(async (tx) => {
      const u = unique();
      const [o] = await tx
        .insert(organizations)
        .values(f.makeOrganization({ slug: `org-${u}` }))
        .returning({ id: organizations.id });
      const orgId = o?.id as string;
      const made = await tx
        .insert(clients)
        .values([f.makeClient(orgId), f.makeClient(orgId)])
        .returning({ id: clients.id });
      const [user] = await tx
        .insert(users)
        .values(f.makeUser({ email: `u-${u}@chaos.example`, organizationId: orgId }))
        .returning({ id: users.id });
      await tx.insert(userRoles).values({ userId: user?.id as string, roleKey: 'member' });
      return { id: orgId, clients: made.map((c) => c.id), users: [user?.id as string] };
    });
    rows.orgs.push(org);
    return true;
  },
};

/** The mixed workload: inserts, updates, deletes (some cascading), upserts and transactions over every schema. */
export const MIXED_OPS: readonly Op[] = [
  createOrganization,
  {
    name: 'importWithChildren',
    weight: 8,
    async run({ db, f, random, rows }) {
      const org = take(random, rows.orgs);
      if (org === undefined) return false;
      const ids = await db.transaction(async (tx) => {
        const [imp] = await tx.insert(imports).values(f.makeImport(org.id)).returning({ id: imports.id });
        const importId = imp?.id as string;
        await tx
          .insert(transformations)
          .values([f.makeTransformation(importId), f.makeTransformation(importId)]);
        const [doc] = await tx
          .insert(documents)
          .values(f.makeDocument(org.id, { importId }))
          .returning({ id: documents.id });
        return { importId, documentId: doc?.id as string };
      });
      rows.imports.push(ids.importId);
      rows.documents.push(ids.documentId);
      return true;
    },
  },
  {
    name: 'insertInvoice',
    weight: 20,
    async run({ db, f, random, rows, unique }) {
      const org = take(random, rows.orgs);
      const client = org && take(random, org.clients);
      if (org === undefined || client === undefined) return false;
      const documentId = random.chance(0.3) ? take(random, rows.documents) : undefined;
      const [inv] = await db
        .write()
        .insert(invoices)
        .values(f.makeInvoice(org.id, client, { number: `INV-${unique()}`, documentId }))
        .returning({ id: invoices.id });
      rows.invoices.push(inv?.id as string);
      return true;
    },
  },
  {
    name: 'updateInvoice',
    weight: 16,
    async run({ db, random, rows }) {
      const id = take(random, rows.invoices);
      if (id === undefined) return false;
      await db
        .write()
        .update(invoices)
        .set({ status: take(random, [...STATUSES]), total: money(random) })
        .where(eq(invoices.id, id));
      return true;
    },
  },
  {
    name: 'updateClient',
    weight: 8,
    async run({ db, random, rows, unique }) {
      const client = take(random, take(random, rows.orgs)?.clients ?? []);
      if (client === undefined) return false;
      await db
        .write()
        .update(clients)
        .set({ name: `Client ${unique()}`, email: null })
        .where(eq(clients.id, client));
      return true;
    },
  },
  {
    name: 'deleteInvoice',
    weight: 5,
    async run({ db, random, rows }) {
      const id = take(random, rows.invoices, true);
      if (id === undefined) return false;
      await db.write().delete(invoices).where(eq(invoices.id, id));
      return true;
    },
  },
  {
    // ON DELETE CASCADE (transformations) and SET NULL (documents.import_id) run on both servers.
    name: 'deleteImport',
    weight: 3,
    async run({ db, random, rows }) {
      const id = take(random, rows.imports, true);
      if (id === undefined) return false;
      await db.write().delete(imports).where(eq(imports.id, id));
      return true;
    },
  },
  {
    name: 'auditEntry',
    weight: 10,
    async run({ db, f, random, rows }) {
      const org = take(random, rows.orgs);
      await db
        .write()
        .insert(auditLog)
        .values(f.makeAuditEntry({ organizationId: org?.id ?? null }));
      return true;
    },
  },
  {
    name: 'sessionChurn',
    weight: 8,
    async run({ db, f, random, rows }) {
      const user = take(random, take(random, rows.orgs)?.users ?? []);
      if (user === undefined) return false;
      if (random.chance(0.6)) await db.write().insert(sessions).values(f.makeSession(user));
      else await db.write().delete(sessions).where(eq(sessions.userId, user));
      return true;
    },
  },
  {
    // Composite key, ON CONFLICT DO UPDATE; every worker upserts the same few keys.
    name: 'upsertRate',
    weight: 5,
    async run({ db, random }) {
      const day = `2025-01-${String(random.int(1, 9)).padStart(2, '0')}`;
      await db
        .write()
        .insert(exchangeRates)
        .values({
          baseCode: 'EUR',
          quoteCode: take(random, QUOTES) as string,
          rateDate: day,
          rate: money(random),
        })
        .onConflictDoUpdate({
          target: [exchangeRates.baseCode, exchangeRates.quoteCode, exchangeRates.rateDate],
          set: { rate: sql`excluded.rate`, fetchedAt: sql`now()` },
        });
      return true;
    },
  },
  {
    name: 'bulkUpdateInvoices',
    weight: 3,
    async run({ db, random, rows }) {
      const org = take(random, rows.orgs);
      if (org === undefined) return false;
      await db
        .write()
        .update(invoices)
        .set({ status: 'issued', dueOn: '2025-12-31' })
        .where(and(eq(invoices.organizationId, org.id), eq(invoices.status, 'draft')));
      return true;
    },
  },
  {
    // Cascades to sessions and user_roles.
    name: 'deleteUser',
    weight: 2,
    async run({ db, random, rows }) {
      const org = take(random, rows.orgs);
      const user = org && take(random, org.users, true);
      if (user === undefined) return false;
      await db.write().delete(users).where(eq(users.id, user));
      return true;
    },
  },
  {
    // Cascades to clients; users.organization_id is set to null.
    name: 'deleteOrganization',
    weight: 1,
    async run({ db, random, rows }) {
      if (rows.orgs.length < 4) return false;
      const org = take(random, rows.orgs, true) as OrgRef;
      await db.write().delete(organizations).where(eq(organizations.id, org.id));
      return true;
    },
  },
];
