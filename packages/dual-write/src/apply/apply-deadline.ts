import { MultiDbError } from '@multidb/config';
import type { BackupTarget, ChangeUnit, Step } from './change.js';
import { TrackedApplyFailure } from './commit-doubt.js';

/**
 * The client-side deadline of one backup apply. A server-side `statement_timeout` cannot fire when the server
 * never sees the statement (a black-holed network, a frozen connection), so the apply is abandoned here after
 * `ms`, and the target's transaction is fenced: `check()` is called before every statement and before COMMIT, so
 * a transaction whose bytes arrive after the deadline (the network healed) rolls back instead of committing its
 * now-stale rows over newer ones applied meanwhile on another connection.
 */
export interface ApplyDeadline {
  readonly expired: boolean;
  /** Throws `BackupTimeout` once the deadline has passed. */
  check(): void;
  /**
   * A target that tracks its outcome (see `commit-doubt.ts`) reports its backup transaction: at the start
   * (`undefined`), then its id when COMMIT is about to be sent, so a timeout can say whether it may have committed.
   */
  track?(xid: string | undefined): void;
}

export const NO_DEADLINE: ApplyDeadline = Object.freeze({ expired: false, check() {} });

export function backupTimeout(ms: number): MultiDbError {
  return new MultiDbError(
    'BackupTimeout',
    `backup batch timed out (BackupTimeout): no answer within ${ms} ms`,
    {
      timeoutMs: ms,
    },
  );
}

/** `target` with every apply bounded by `ms` (0 or less: unbounded). The error is transient: rows are held. */
export function withApplyDeadline<R>(target: BackupTarget<R>, ms: number): BackupTarget<R> {
  if (!(ms > 0)) return target;
  return {
    apply(steps: readonly Step<R>[], _outer?: ApplyDeadline, units?: readonly ChangeUnit<R>[]) {
      let expired = false;
      let tracked = false;
      let xid: string | undefined;
      const deadline: ApplyDeadline = {
        get expired() {
          return expired;
        },
        check() {
          if (expired) throw backupTimeout(ms);
        },
        track(id) {
          tracked = true;
          xid = id ?? xid;
        },
      };
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          expired = true;
          // Every later statement and the COMMIT check the deadline first: without an id COMMIT had not been
          // sent, and the transaction cannot commit now.
          reject(tracked ? new TrackedApplyFailure(xid, backupTimeout(ms)) : backupTimeout(ms));
        }, ms);
        timer.unref?.();
      });
      const applied = target.apply(steps, deadline, units);
      // The abandoned apply settles later (or never); its outcome no longer matters.
      applied.catch(() => {});
      return Promise.race([applied, timedOut]).finally(() => clearTimeout(timer));
    },
  };
}

/** Default client-side bound of one backup apply: past the server's own timeouts, so those fire first. */
export function defaultApplyTimeoutMs(statementTimeoutMs: number | undefined): number {
  return statementTimeoutMs !== undefined && statementTimeoutMs > 0 ? statementTimeoutMs + 5000 : 30_000;
}
