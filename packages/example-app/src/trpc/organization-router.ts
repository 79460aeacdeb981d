import { z } from 'zod';
import { users } from '../schema/config.js';
import { organizations } from '../schema/customer.js';
import { rethrowAsClientError } from './db-errors.js';
import { organizationWithUsers } from './organization-with-users.js';
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
    /** The organization with its users (id, email, displayName, status), or `null`. */
    bySlug: procedure
      .input(z.object({ slug: z.string().max(64) }))
      .query(({ ctx, input }) => organizationWithUsers(ctx.db('read'), input.slug)),
  });
}
