import { and, asc, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { clients } from '../schema/customer.js';
import { rethrowAsClientError } from './db-errors.js';
import { type DbProcedure, t } from './trpc.js';

export const createClientInput = z.object({
  organizationId: z.uuid(),
  name: z.string().min(1).max(200),
  email: z.email().optional(),
  externalRef: z.string().min(1).max(100),
  currencyCode: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
});

export const listClientsInput = z.object({
  organizationId: z.uuid(),
  limit: z.number().int().min(1).max(100).default(20),
  /** Keyset pagination: the last `id` of the previous page. */
  after: z.uuid().optional(),
});

export function clientRouter(procedure: DbProcedure) {
  return t.router({
    /** A write on the primary; returns the row (read-your-writes makes the next `byId` see it). */
    create: procedure.input(createClientInput).mutation(async ({ ctx, input }) => {
      try {
        const [row] = await ctx.db('write').insert(clients).values(input).returning();
        return row as typeof clients.$inferSelect;
      } catch (error) {
        rethrowAsClientError(error, {
          conflict: 'externalRef already used in this organization',
          missing: 'organization not found',
        });
      }
    }),
    byId: procedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
      const [row] = await ctx.db('read').select().from(clients).where(eq(clients.id, input.id)).limit(1);
      return row ?? null;
    }),
    list: procedure.input(listClientsInput).query(({ ctx, input }) =>
      ctx
        .db('read')
        .select()
        .from(clients)
        .where(
          and(
            eq(clients.organizationId, input.organizationId),
            input.after === undefined ? undefined : gt(clients.id, input.after),
          ),
        )
        .orderBy(asc(clients.id))
        .limit(input.limit),
    ),
  });
}
