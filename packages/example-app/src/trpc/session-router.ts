import { and, asc, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import { sessions } from '../schema/config.js';
import { type DbProcedure, t } from './trpc.js';

/** Job-style procedures: finding work reads on the `background` intent, doing it writes on the primary. */
export function sessionRouter(procedure: DbProcedure, now: () => Date) {
  return t.router({
    expired: procedure
      .input(z.object({ limit: z.number().int().min(1).max(10_000).default(500) }))
      .query(async ({ ctx, input }) => {
        const rows = await ctx
          .db('background')
          .select({ id: sessions.id, expiresAt: sessions.expiresAt })
          .from(sessions)
          .where(lt(sessions.expiresAt, now()))
          .orderBy(asc(sessions.expiresAt))
          .limit(input.limit);
        return rows;
      }),
    purge: procedure
      .input(z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(10_000) }))
      .mutation(async ({ ctx, input }) => {
        // Only sessions that are still expired on the primary: a replica may have served a stale list.
        const deleted = await ctx
          .db('write')
          .delete(sessions)
          .where(and(inArray(sessions.id, input.ids), lt(sessions.expiresAt, now())))
          .returning({ id: sessions.id });
        return { deleted: deleted.length };
      }),
  });
}
