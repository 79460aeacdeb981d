import { failureKinds, isConnectionFailure } from '@multidb/config';

/**
 * A connection failure (no connection, or it broke): counts against the node's health and may be retried
 * elsewhere (reads only). The codes of every driver are in @multidb/config's one table.
 */
export const isConnectionError: (error: unknown) => boolean = isConnectionFailure;

/**
 * Whether a failed read may be retried once on another node: a connection failure, or on a standby a
 * recovery conflict ("canceling statement due to conflict with recovery", a `conflict` kind).
 */
export function isRetryableRead(error: unknown, onReplica: boolean): boolean {
  if (isConnectionFailure(error)) return true;
  return onReplica && failureKinds(error).has('conflict');
}
