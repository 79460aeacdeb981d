import type { DbRouter } from '@multidb/router';
import { type ConsistencyCarrier, createDbMiddleware } from '@multidb/trpc';
import { initTRPC } from '@trpc/server';
import type { PrimarySchema } from '../schema/index.js';

/** The request context: the consistency token travels in it (see `@multidb/trpc`). */
export type AppContext = ConsistencyCarrier;

/** The database router the procedures use: PRIMARY database (config + customer schemas) and its replicas. */
export type PrimaryRouter = DbRouter<PrimarySchema>;

export const t = initTRPC.context<AppContext>().create();

/** Procedures with `ctx.db(intent)` and read-your-writes tokens. */
export function dbProcedure(router: PrimaryRouter) {
  return t.procedure.use(createDbMiddleware(router));
}

export type DbProcedure = ReturnType<typeof dbProcedure>;
