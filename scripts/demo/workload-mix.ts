import type { Intent } from '@multidb/config';
import type { Random } from '@multidb/example-app';
import type { AppClient } from './app-client.js';

/** What the workload picks ids and slugs from: read at start, grown by its own writes. */
export interface KnownData {
  readonly organizations: { id: string; slug: string }[];
  readonly clientIds: string[];
}

export interface Operation {
  readonly name: string;
  readonly intent: Intent;
  readonly weight: number;
  /**
   * Runs the operation, sending `token` (the token of the user's previous write, if any: "show me the page
   * after my change"); returns the token its own write issued.
   */
  run(
    api: AppClient,
    token: string | undefined,
    known: KnownData,
    random: Random,
  ): Promise<string | undefined>;
}

let sequence = 0;
const unique = () => `${Date.now().toString(36)}-${(++sequence).toString(36)}`;

/**
 * A SaaS back office: mostly reads of single records and lists, reports on the analytics replica, a session
 * clean-up job on the background replica, and a steady trickle of writes (clients, and organizations with their
 * owner in one transaction).
 */
export const OPERATIONS: readonly Operation[] = [
  {
    name: 'client.byId',
    intent: 'read',
    weight: 28,
    async run(api, token, known, random) {
      await api.query('client.byId', { id: random.pick(known.clientIds) }, token);
      return undefined;
    },
  },
  {
    name: 'client.list',
    intent: 'read',
    weight: 14,
    async run(api, token, known, random) {
      const org = random.pick(known.organizations);
      await api.query('client.list', { organizationId: org.id, limit: 20 }, token);
      return undefined;
    },
  },
  {
    name: 'organization.bySlug',
    intent: 'read',
    weight: 10,
    async run(api, token, known, random) {
      await api.query('organization.bySlug', { slug: random.pick(known.organizations).slug }, token);
      return undefined;
    },
  },
  {
    name: 'report.clientsByOrganization',
    intent: 'analytics',
    weight: 7,
    async run(api, token) {
      await api.query('report.clientsByOrganization', { limit: 10 }, token);
      return undefined;
    },
  },
  {
    name: 'report.planCounts',
    intent: 'analytics',
    weight: 5,
    async run(api, token) {
      await api.query('report.planCounts', undefined, token);
      return undefined;
    },
  },
  {
    name: 'session.expired+purge',
    intent: 'background',
    weight: 8,
    async run(api, token) {
      // A job: find work on the background replica, do it on the primary.
      const found = await api.query<{ id: string }[]>('session.expired', { limit: 50 }, token);
      const ids = (found.data ?? []).map((s) => s.id);
      return ids.length > 0 ? (await api.mutation('session.purge', { ids }, token)).token : undefined;
    },
  },
  {
    name: 'client.create',
    intent: 'write',
    weight: 22,
    async run(api, token, known, random) {
      const ref = unique();
      const created = await api.mutation<{ id: string }>(
        'client.create',
        {
          organizationId: random.pick(known.organizations).id,
          name: `Client ${ref}`,
          externalRef: `ext-${ref}`,
          currencyCode: random.pick(['EUR', 'USD', 'GBP', 'CHF']),
        },
        token,
      );
      if (created.data) known.clientIds.push(created.data.id);
      return created.token;
    },
  },
  {
    name: 'organization.create',
    intent: 'transactional',
    weight: 6,
    async run(api, token, known, random) {
      const slug = `org-${unique()}`;
      const created = await api.mutation<{ organization: { id: string; slug: string } }>(
        'organization.create',
        {
          slug,
          name: `Organization ${slug}`,
          plan: random.pick(['free', 'team', 'enterprise']),
          countryCode: random.pick(['DE', 'FR', 'US', 'GB', 'JP']),
          owner: { email: `owner@${slug}.test`, displayName: `Owner of ${slug}` },
        },
        token,
      );
      if (created.data) known.organizations.push(created.data.organization);
      return created.token;
    },
  },
];

const TOTAL_WEIGHT = OPERATIONS.reduce((sum, op) => sum + op.weight, 0);

export function pickOperation(random: Random): Operation {
  let roll = random.next() * TOTAL_WEIGHT;
  for (const op of OPERATIONS) {
    roll -= op.weight;
    if (roll < 0) return op;
  }
  return OPERATIONS[OPERATIONS.length - 1] as Operation;
}
