import { type AnyPgDatabase, causeChain, describeError, executeRows } from '@multidb/config';
import { isTransientError, mayHaveCommitted } from './error-kind.js';

/**
 * A failed backup transaction of a target that tracks its outcome (memory mode): `xid` is the backup's
 * transaction id when the failure came after COMMIT may have been sent (its status can be asked of the backup),
 * `undefined` when it came before (the transaction cannot have committed).
 */
export class TrackedApplyFailure extends Error {
  readonly xid: string | undefined;

  constructor(xid: string | undefined, cause: unknown) {
    super(`backup transaction ${xid ?? '(not started)'} failed: ${describeError(cause)}`, { cause });
    this.name = 'TrackedApplyFailure';
    this.xid = xid;
  }
}

/**
 * Whether a failed backup transaction may have committed, and how to find out: `undefined` when it surely did not
 * (a constraint error, a refused connection, a tracked transaction that never started), `{ xid }` when the
 * backup can be asked (`transactionStatus`), `{ xid: undefined }` when nobody can tell.
 */
export function commitDoubt(error: unknown): { readonly xid: string | undefined } | undefined {
  if (!mayHaveCommitted(error)) return undefined;
  const tracked = causeChain(error).find((e): e is TrackedApplyFailure => e instanceof TrackedApplyFailure);
  if (tracked === undefined) return { xid: undefined };
  return tracked.xid === undefined ? undefined : { xid: tracked.xid };
}

/**
 * What the backup says of transaction `xid` (`txid_status`): `committed`, `aborted`, `in progress` (ask again
 * later), `unknown` (too old to tell, or not of this server: another cluster answers), or `unreachable` (ask again
 * once the backup is back).
 */
export type CommitStatus = 'committed' | 'aborted' | 'in progress' | 'unknown' | 'unreachable';

/** The status, and the error when the backup could not be asked (for `lastError`). */
export async function transactionStatus(
  backup: AnyPgDatabase,
  xid: string,
): Promise<{ readonly status: CommitStatus; readonly error?: unknown }> {
  if (!/^[0-9]+$/.test(xid)) return { status: 'unknown' };
  try {
    const [row] = await executeRows<{ status: string | null }>(
      backup,
      `select txid_status(${xid}::bigint)::text as status`,
    );
    const status = row?.status;
    return {
      status: status === 'committed' || status === 'aborted' || status === 'in progress' ? status : 'unknown',
    };
  } catch (error) {
    return { status: isTransientError(error) ? 'unreachable' : 'unknown', error };
  }
}
