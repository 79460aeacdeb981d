import type { DbRouter } from '@multidb/router';
import { type ConsistencyCarrier, createDbMiddleware } from '@multidb/trpc';
import { initTRPC } from '@trpc/server';
import type { PrimaryRelational } from '../schema/relational-options.js';

/** The request context: the consistency token travels in it (see `@multidb/trpc`). */
export type AppContext = ConsistencyCarrier;

/**
 * The database router the procedures use: PRIMARY database (config + customer schemas) and its replicas, typed by
 * the PRIMARY schema on drizzle-orm 0.45 and by its relations on 1.0 (the router's type parameter on each line).
 */
export type PrimaryRouter = DbRouter<PrimaryRelational>;

export const t = initTRPC.context<AppContext>().create();

/** Procedures with `ctx.db(intent)` and read-your-writes tokens. */
export function dbProcedure(router: PrimaryRouter) {
  return t.procedure.use(createDbMiddleware(router));
}

export type DbProcedure = ReturnType<typeof dbProcedure>;
