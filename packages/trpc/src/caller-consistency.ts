import { newerToken } from './client/token-order.js';
import type { RequestConsistency } from './consistency-transport.js';

/** A carrier for in-process calls whose token follows the caller's own mutations. */
export interface CallerConsistency extends RequestConsistency {
  /** The newest token: the one passed in, or the one from the caller's latest successful mutation. */
  readonly consistencyToken: string | undefined;
}

/**
 * The context for `createCaller` in a server component, a server action or a job: starts from a token the
 * request or the job payload carried (a cookie, a header, a queued job's field) and moves to each newer token
 * the caller's mutations produce, so a later call through the same caller reads what an earlier one wrote.
 *
 * ```ts
 * const ctx = callerConsistency(job.data.token);
 * const caller = createCaller(ctx);
 * const row = await caller.client.create(input);
 * await caller.client.byId({ id: row.id });   // sees the row although replicas lag
 * await queue.add('follow-up', { token: ctx.consistencyToken });
 * ```
 */
export function callerConsistency(token?: string | null): CallerConsistency {
  // Kept as given (even malformed): the router counts an invalid token and routes as if there were none.
  let current = token ?? undefined;
  return {
    get consistencyToken() {
      return current;
    },
    setConsistencyToken: (issued) => {
      current = newerToken(current, issued) ?? current;
    },
  };
}
