import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../schema/config.js';
import { organizations } from '../schema/customer.js';
import { rethrowAsClientError } from './db-errors.js';
import { type DbProcedure, t } from './trpc.js';

export const createOrganizationInput = z.object({
  slug: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string().min(1).max(200),
  plan: z.enum(['free', 'team', 'enterprise']).default('free'),
  countryCode: z.string().regex(/^[A-Z]{2}$/),
  owner: z.object({ email: z.email(), displayName: z.string().min(1).max(200) }),
});

export function organizationRouter(procedure: DbProcedure) {
  return t.router({
    /** Transactional: the organization and its owner commit together or not at all. */
    create: procedure.input(createOrganizationInput).mutation(async ({ ctx, input }) => {
      const { owner, ...org } = input;
      try {
        return await ctx.db('transactional').transaction(async (tx) => {
          const [organization] = await tx.insert(organizations).values(org).returning();
          const [user] = await tx
            .insert(users)
            .values({ ...owner, status: 'active', organizationId: organization?.id })
            .returning();
          return {
            organization: organization as typeof organizations.$inferSelect,
            owner: user as typeof users.$inferSelect,
          };
        });
      } catch (error) {
        rethrowAsClientError(error, { conflict: 'slug or owner email already taken', missing: 'not found' });
      }
    }),
    bySlug: procedure.input(z.object({ slug: z.string().max(64) })).query(async ({ ctx, input }) => {
      const organization = await ctx.db('read').query.organizations.findFirst({
        where: eq(organizations.slug, input.slug),
        with: { users: { columns: { id: true, email: true, displayName: true, status: true } } },
      });
      return organization ?? null;
    }),
  });
}
