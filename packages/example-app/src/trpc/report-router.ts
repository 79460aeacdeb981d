import { count, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { clients, organizations } from '../schema/customer.js';
import { type DbProcedure, t } from './trpc.js';

/** Reports run on the `analytics` intent: the replicas tagged for it, else read replicas, else the primary. */
export function reportRouter(procedure: DbProcedure) {
  return t.router({
    clientsByOrganization: procedure
      .input(z.object({ limit: z.number().int().min(1).max(1000).default(50) }))
      .query(({ ctx, input }) =>
        ctx
          .db('analytics')
          .select({
            organizationId: organizations.id,
            name: organizations.name,
            plan: organizations.plan,
            clients: count(clients.id),
          })
          .from(organizations)
          .leftJoin(clients, eq(clients.organizationId, organizations.id))
          .groupBy(organizations.id)
          .orderBy(desc(count(clients.id)), organizations.id)
          .limit(input.limit),
      ),
    planCounts: procedure.query(({ ctx }) =>
      ctx
        .db('analytics')
        .select({ plan: organizations.plan, organizations: count() })
        .from(organizations)
        .groupBy(organizations.plan)
        .orderBy(organizations.plan),
    ),
  });
}
