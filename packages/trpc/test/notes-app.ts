import type { DbRouter } from '@multidb/router';
import { initTRPC } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type ConsistencyCarrier, createDbMiddleware } from '../src/index.js';
import { nodeInfo, notes, type TestSchema } from './test-schema.js';

export const t = initTRPC.context<ConsistencyCarrier>().create();

/** `add` writes a note; `find` reads it back and says which node answered. */
export function notesAppRouter(router: DbRouter<TestSchema>) {
  const procedure = t.procedure.use(createDbMiddleware(router));
  return t.router({
    add: procedure.input(z.string()).mutation(async ({ ctx, input }) => {
      const [row] = await ctx.db('write').insert(notes).values({ body: input }).returning();
      return row;
    }),
    find: procedure.input(z.string()).query(async ({ ctx, input }) => {
      const [row] = await ctx.db('read').select().from(notes).where(eq(notes.body, input));
      const [node] = await ctx.db('read').select().from(nodeInfo);
      return { body: row?.body ?? null, servedBy: node?.name };
    }),
  });
}

export type NotesAppRouter = ReturnType<typeof notesAppRouter>;
