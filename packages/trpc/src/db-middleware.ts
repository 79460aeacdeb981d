import type { Intent } from '@multidb/config';
import type { DbRouter, RoutedDatabase } from '@multidb/router';
import type { TRPCMiddlewareFunction } from '@trpc/server';
import type { ConsistencyCarrier } from './consistency-transport.js';

/** `ctx.db(intent)` in a procedure: the router's client for that intent, inside the request's consistency scope. */
export type DbAccessor<TSchema extends Record<string, unknown>> = (intent: Intent) => RoutedDatabase<TSchema>;

/** What the middleware adds to the context. */
export interface DbContext<TSchema extends Record<string, unknown>> {
  readonly db: DbAccessor<TSchema>;
}

type Middleware<
  TSchema extends Record<string, unknown>,
  TContext,
  TMeta,
  TOverrides,
  TInput,
> = TRPCMiddlewareFunction<TContext, TMeta, TOverrides, DbContext<TSchema>, TInput>;

/**
 * A middleware generic in the application's context, meta and input, so `.use()` accepts it on any procedure
 * builder (a context with or without the `ConsistencyCarrier` members).
 */
export type DbMiddleware<TSchema extends Record<string, unknown>> = <TContext, TMeta, TOverrides, TInput>(
  ...args: Parameters<Middleware<TSchema, TContext, TMeta, TOverrides, TInput>>
) => ReturnType<Middleware<TSchema, TContext, TMeta, TOverrides, TInput>>;

/**
 * tRPC middleware: puts `db(intent)` on the context, runs the procedure in a read-your-writes scope seeded with
 * the token the client sent (`ctx.consistencyToken`), and after a successful mutation hands the new token to
 * `ctx.setConsistencyToken`, so the next request (or a background job) reads at least what this one wrote.
 * A malformed or forged token is never an error: the router counts it and routes as if there were none.
 *
 * ```ts
 * const dbProcedure = t.procedure.use(createDbMiddleware(router));
 * ```
 */
export function createDbMiddleware<TSchema extends Record<string, unknown>>(
  router: DbRouter<TSchema>,
): DbMiddleware<TSchema> {
  const context: DbContext<TSchema> = { db: (intent) => router.getClient(intent) };
  return ({ ctx, type, next }) => {
    const carrier = (ctx ?? {}) as ConsistencyCarrier;
    const token = typeof carrier.consistencyToken === 'string' ? carrier.consistencyToken : undefined;
    return router.withConsistency(token, async () => {
      const result = await next({ ctx: context });
      if (type === 'mutation' && result.ok && typeof carrier.setConsistencyToken === 'function')
        carrier.setConsistencyToken(await router.consistencyToken());
      return result;
    });
  };
}
