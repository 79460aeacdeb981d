import type { roles, sessions, userRoles, users } from '../schema/config.js';
import type { clients, organizations } from '../schema/customer.js';
import type {
  auditLog,
  documents,
  imports,
  invoices,
  jobExecutions,
  transformations,
} from '../schema/workspace.js';
import { createRandom } from './random.js';
import { COUNTRIES } from './reference-data.js';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'];
type Overrides<T> = Partial<T>;

export interface FactoryOptions {
  readonly seed?: number;
  /** Timestamps are spread over the 90 days before this instant (default 2024-12-31T00:00:00Z). */
  readonly now?: Date;
}

const WORDS = [
  'north',
  'blue',
  'stone',
  'river',
  'pixel',
  'maple',
  'harbor',
  'atlas',
  'cedar',
  'lumen',
  'orbit',
];
const FIRST = [
  'Ada',
  'Ben',
  'Chloé',
  'Dmitri',
  'Eva',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lena',
];
const LAST = [
  'Meyer',
  'Okafor',
  'Rossi',
  'Tanaka',
  'Novak',
  'García',
  'Larsen',
  'Dubois',
  'Kowalski',
  'Smith',
];
const KINDS = ['invoice-pdf', 'statement', 'contract', 'receipt'];

/**
 * Deterministic row factories: the same seed gives the same ids, names and timestamps, so demos, benchmarks
 * and tests can rely on them. Each `make*` takes overrides for any column.
 */
export function createFactories(options: FactoryOptions = {}) {
  const random = createRandom(options.seed ?? 1);
  const now = (options.now ?? new Date('2024-12-31T00:00:00Z')).getTime();
  let counter = 0;
  const at = () => new Date(now - random.int(0, 90 * 24 * 60) * 60_000);
  const day = (date: Date) => date.toISOString().slice(0, 10);
  const word = () => random.pick(WORDS);
  const next = () => ++counter;

  return {
    makeOrganization(overrides: Overrides<Insert<typeof organizations>> = {}): Insert<typeof organizations> {
      const n = next();
      const name = `${word()} ${word()} ${n}`;
      const createdAt = at();
      return {
        id: random.uuid(),
        slug: name.toLowerCase().replaceAll(' ', '-'),
        name: name.replace(/\b\w/g, (c) => c.toUpperCase()),
        plan: random.pick(['free', 'team', 'enterprise'] as const),
        countryCode: random.pick(COUNTRIES).code,
        createdAt,
        updatedAt: createdAt,
        ...overrides,
      };
    },
    makeUser(overrides: Overrides<Insert<typeof users>> = {}): Insert<typeof users> {
      const n = next();
      const [first, last] = [random.pick(FIRST), random.pick(LAST)];
      const createdAt = at();
      return {
        id: random.uuid(),
        email: `${first}.${last}.${n}@example.com`.toLowerCase(),
        displayName: `${first} ${last}`,
        status: random.chance(0.9) ? 'active' : 'invited',
        createdAt,
        updatedAt: createdAt,
        ...overrides,
      };
    },
    makeSession(userId: string, overrides: Overrides<Insert<typeof sessions>> = {}): Insert<typeof sessions> {
      const createdAt = at();
      return {
        id: random.uuid().replaceAll('-', ''),
        userId,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + 30 * 86_400_000),
        ipAddress: `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`,
        userAgent: 'Mozilla/5.0 (seed)',
        ...overrides,
      };
    },
    makeRole(key: string, overrides: Overrides<Insert<typeof roles>> = {}): Insert<typeof roles> {
      return { key, description: `${key} role`, permissions: [`${key}:read`], ...overrides };
    },
    makeUserRole(userId: string, roleKey: string): Insert<typeof userRoles> {
      return { userId, roleKey, grantedAt: at() };
    },
    makeClient(
      organizationId: string,
      overrides: Overrides<Insert<typeof clients>> = {},
    ): Insert<typeof clients> {
      const n = next();
      const createdAt = at();
      return {
        id: random.uuid(),
        organizationId,
        name: `${word()} ${random.pick(['GmbH', 'Ltd', 'SA', 'Inc', 'BV'])}`.replace(/^\w/, (c) =>
          c.toUpperCase(),
        ),
        email: `billing${n}@client.example`,
        externalRef: `C-${String(n).padStart(6, '0')}`,
        currencyCode: random.pick(['EUR', 'EUR', 'USD', 'GBP', 'CHF']),
        createdAt,
        updatedAt: createdAt,
        ...overrides,
      };
    },
    makeImport(
      organizationId: string,
      overrides: Overrides<Insert<typeof imports>> = {},
    ): Insert<typeof imports> {
      const createdAt = at();
      return {
        id: random.uuid(),
        organizationId,
        fileName: `${word()}-${next()}.csv`,
        rowCount: random.int(10, 50_000),
        status: 'completed',
        createdAt,
        completedAt: new Date(createdAt.getTime() + random.int(1, 600) * 1000),
        ...overrides,
      };
    },
    makeTransformation(
      importId: string,
      overrides: Overrides<Insert<typeof transformations>> = {},
    ): Insert<typeof transformations> {
      const rowsIn = random.int(10, 50_000);
      const createdAt = at();
      return {
        id: random.uuid(),
        importId,
        name: `normalise-${word()}`,
        definition: { steps: ['trim', 'dedupe', random.pick(['currency', 'dates', 'vat'])] },
        rowsIn,
        rowsOut: rowsIn - random.int(0, Math.floor(rowsIn / 10)),
        createdAt,
        updatedAt: createdAt,
        ...overrides,
      };
    },
    makeDocument(
      organizationId: string,
      overrides: Overrides<Insert<typeof documents>> = {},
    ): Insert<typeof documents> {
      const id = random.uuid();
      return {
        id,
        organizationId,
        kind: random.pick(KINDS),
        title: `${word()} document ${next()}`,
        storageKey: `org/${organizationId}/${id}.pdf`,
        byteSize: random.int(10_000, 5_000_000),
        createdAt: at(),
        ...overrides,
      };
    },
    makeInvoice(
      organizationId: string,
      clientId: string,
      overrides: Overrides<Insert<typeof invoices>> = {},
    ): Insert<typeof invoices> {
      const n = next();
      const issued = at();
      const createdAt = issued;
      return {
        id: random.uuid(),
        organizationId,
        clientId,
        number: `INV-${issued.getUTCFullYear()}-${String(n).padStart(6, '0')}`,
        status: random.pick(['draft', 'issued', 'issued', 'paid', 'paid', 'void'] as const),
        currencyCode: 'EUR',
        total: (random.int(1_000, 2_500_000) / 100).toFixed(2),
        issuedOn: day(issued),
        dueOn: day(new Date(issued.getTime() + 30 * 86_400_000)),
        createdAt,
        updatedAt: createdAt,
        ...overrides,
      };
    },
    /** `id` is an identity column: leave it out and let the database number the rows. */
    makeAuditEntry(overrides: Overrides<Insert<typeof auditLog>> = {}): Insert<typeof auditLog> {
      return {
        occurredAt: at(),
        action: random.pick(['create', 'update', 'delete', 'export']),
        entity: random.pick(['invoice', 'client', 'document', 'import']),
        entityId: random.uuid(),
        details: { source: 'seed' },
        ...overrides,
      };
    },
    makeJobExecution(overrides: Overrides<Insert<typeof jobExecutions>> = {}): Insert<typeof jobExecutions> {
      const queuedAt = at();
      const status = random.pick(['succeeded', 'succeeded', 'succeeded', 'failed', 'queued'] as const);
      const started = status === 'queued' ? null : new Date(queuedAt.getTime() + random.int(1, 60) * 1000);
      return {
        id: random.uuid(),
        jobName: random.pick(['import.parse', 'transform.run', 'invoice.render', 'export.csv']),
        status,
        attempt: status === 'failed' ? random.int(1, 3) : 1,
        queuedAt,
        startedAt: started,
        finishedAt: started && new Date(started.getTime() + random.int(1, 300) * 1000),
        error: status === 'failed' ? 'timeout after 300s' : null,
        ...overrides,
      };
    },
  };
}

export type Factories = ReturnType<typeof createFactories>;
