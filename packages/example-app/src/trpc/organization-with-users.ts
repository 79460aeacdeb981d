import type { AnyPgDatabase } from '@multidb/config';
import { asc, eq } from 'drizzle-orm';
import { users } from '../schema/config.js';
import { organizations } from '../schema/customer.js';

export type OrganizationWithUsers = typeof organizations.$inferSelect & {
  readonly users: Pick<typeof users.$inferSelect, 'id' | 'email' | 'displayName' | 'status'>[];
};

/**
 * An organization and its users, oldest first, or `null`: ONE select (so one node, one snapshot) with a left join,
 * folded in JS. Plain SQL builders spell the same on drizzle-orm 0.45 and 1.0, where relational queries do not
 * (`schema` + `where: eq(...)` versus `relations` + `where: { slug }`).
 */
export async function organizationWithUsers(
  db: AnyPgDatabase,
  slug: string,
): Promise<OrganizationWithUsers | null> {
  const rows = await db
    .select({
      organization: organizations,
      user: { id: users.id, email: users.email, displayName: users.displayName, status: users.status },
    })
    .from(organizations)
    .leftJoin(users, eq(users.organizationId, organizations.id))
    .where(eq(organizations.slug, slug))
    .orderBy(asc(users.createdAt), asc(users.id));
  const [first] = rows;
  if (first === undefined) return null;
  return { ...first.organization, users: rows.flatMap((row) => (row.user === null ? [] : [row.user])) };
}
