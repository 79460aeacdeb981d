// Type tests, checked by `tsc -p packages/trpc/tsconfig.json` (not run by vitest).
import type { DbRouter, RoutedDatabase } from '@multidb/router';
import { initTRPC } from '@trpc/server';
import { expectTypeOf } from 'vitest';
import { type ConsistencyCarrier, consistencyFromFetch, createDbMiddleware } from '../src/index.js';
import { notes, type TestSchema } from './test-schema.js';

declare const router: DbRouter<TestSchema>;

// An application context with more than the carrier, and its own meta: `.use()` accepts the middleware.
interface AppContext extends ConsistencyCarrier {
  readonly userId: string | null;
}
const t = initTRPC.context<AppContext>().meta<{ audit?: boolean }>().create();
const dbProcedure = t.procedure.use(createDbMiddleware(router));

export const appRouter = t.router({
  list: dbProcedure.meta({ audit: true }).query(async ({ ctx }) => {
    expectTypeOf(ctx.userId).toEqualTypeOf<string | null>();
    expectTypeOf(ctx.db('read')).toEqualTypeOf<RoutedDatabase<TestSchema>>();
    // Relational queries keep the schema's types.
    const rows = await ctx.db('read').query.notes.findMany();
    expectTypeOf(rows).toEqualTypeOf<{ id: number; body: string }[]>();
    // @ts-expect-error: not an intent
    ctx.db('reads');
    // @ts-expect-error: no such table
    ctx.db('read').query.comments;
    return rows;
  }),
  add: dbProcedure.mutation(({ ctx }) => ctx.db('write').insert(notes).values({ body: 'x' }).returning()),
});

// A context built by the fetch adapter's createContext satisfies the carrier.
export const createContext = (opts: { req: Request; resHeaders: Headers }): AppContext => ({
  ...consistencyFromFetch(opts),
  userId: null,
});

// A context without any carrier (in-process callers, background jobs) also works.
const bare = initTRPC.context<{ job: string }>().create();
export const jobRouter = bare.router({
  run: bare.procedure
    .use(createDbMiddleware(router))
    .query(({ ctx }) => ctx.db('background').select().from(notes)),
});
