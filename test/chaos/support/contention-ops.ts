import { clients, invoices, type Random } from '@multidb/example-app';
import { eq, sql } from 'drizzle-orm';
import { createOrganization, MIXED_OPS, type Op } from './workload-ops.js';

const STATUSES = ['draft', 'issued', 'paid', 'void'] as const;
const money = (random: Random) => (random.int(100, 1_000_000) / 100).toFixed(2);
const pick = <T>(random: Random, list: readonly T[]): T | undefined =>
  list.length === 0 ? undefined : list[random.int(0, list.length - 1)];

/** Contention: every process updates the same seeded rows (single statements and multi-row transactions). */
export const CONTENTION_OPS: readonly Op[] = [
  {
    name: 'updateSharedInvoice',
    weight: 10,
    async run({ db, random, shared }) {
      const id = pick(random, shared?.invoices ?? []);
      if (id === undefined) return false;
      await db
        .write()
        .update(invoices)
        .set({
          total: sql`${invoices.total} + ${money(random)}::numeric`,
          status: pick(random, STATUSES),
        })
        .where(eq(invoices.id, id));
      return true;
    },
  },
  {
    name: 'updateSharedClient',
    weight: 5,
    async run({ db, random, shared, unique }) {
      const id = pick(random, shared?.clients ?? []);
      if (id === undefined) return false;
      await db
        .write()
        .update(clients)
        .set({ name: `Shared ${unique()}` })
        .where(eq(clients.id, id));
      return true;
    },
  },
  {
    // Several shared rows in one transaction, locked in key order (no deadlocks between the processes).
    name: 'sharedTransaction',
    weight: 5,
    async run({ db, random, shared, unique }) {
      const pool = shared?.invoices ?? [];
      const picked = [...new Set([pick(random, pool), pick(random, pool), pick(random, pool)])]
        .filter((id): id is string => id !== undefined)
        .sort();
      if (picked.length === 0) return false;
      await db.transaction(async (tx) => {
        for (const id of picked)
          await tx
            .update(invoices)
            .set({ number: `SHARED-${unique()}` })
            .where(eq(invoices.id, id));
      });
      return true;
    },
  },
  ...MIXED_OPS.filter((op) => op.name === 'insertInvoice' || op.name === 'upsertRate'),
  createOrganization,
];
