import { clientRouter } from './client-router.js';
import { organizationRouter } from './organization-router.js';
import { reportRouter } from './report-router.js';
import { sessionRouter } from './session-router.js';
import { type AppContext, dbProcedure, type PrimaryRouter, t } from './trpc.js';

export interface AppRouterOptions {
  /** Clock for time-based procedures (expired sessions); default the system clock. */
  readonly now?: () => Date;
}

/**
 * The reference tRPC API over a database router: each procedure picks the intent that fits it (`transactional`,
 * `write`, `read`, `analytics`, `background`), and read-your-writes tokens travel through the context.
 */
export function createAppRouter(router: PrimaryRouter, options: AppRouterOptions = {}) {
  const procedure = dbProcedure(router);
  return t.router({
    organization: organizationRouter(procedure),
    client: clientRouter(procedure),
    report: reportRouter(procedure),
    session: sessionRouter(procedure, options.now ?? (() => new Date())),
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

/** In-process calls (demo, bench, jobs): `createAppCaller(appRouter, { consistencyToken })`. */
export function createAppCaller(appRouter: AppRouter, ctx: AppContext = {}) {
  return t.createCallerFactory(appRouter)(ctx);
}
