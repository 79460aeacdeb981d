import { causeChain, ownErrorCode } from './errors/cause-chain.js';
import { redactText } from './redact.js';

/**
 * Every `code` a `MultiDbError` of the toolkit carries. A closed union: `switch (error.code)` is checked by the
 * compiler, and a renamed or removed code is a compile error in the code that tests for it.
 */
export type MultiDbErrorCode =
  // configuration and options (thrown at construction, before any connection is made)
  | 'InvalidConfig'
  | 'InvalidUrl'
  | 'InvalidOptions'
  | 'InvalidRouterConfig'
  | 'InvalidHealthConfig'
  | 'InvalidMetricsConfig'
  | 'InvalidSplitConfig'
  | 'InvalidSplitSchema'
  | 'UnknownSchema'
  | 'InvalidIdentifier'
  | 'InvalidLiteral'
  // drivers and connections
  | 'DriverMissing'
  | 'UnsupportedDriver'
  | 'ConnectFailed'
  | 'CopyUnsupported'
  | 'DrizzleIncompatible'
  | 'NotADrizzleDatabase'
  // router
  | 'UnknownIntent'
  | 'WriteOnReadIntent'
  | 'PrimaryUnavailable'
  | 'RouterClosed'
  // dual-write
  | 'NoPrimaryKey'
  | 'PrimaryKeyUpdate'
  | 'UncapturedMutation'
  | 'UnsupportedMutation'
  | 'UnknownOutboxTable'
  | 'BackupTimeout'
  | 'FencedOut'
  | 'OutboxNotReady';

/** Base class of every error the toolkit throws: a stable `code`, context, and a message free of credentials. */
export class MultiDbError<TCode extends MultiDbErrorCode = MultiDbErrorCode> extends Error {
  readonly code: TCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: TCode, message: string, context: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(redactText(message), options);
    this.name = 'MultiDbError';
    this.code = code;
    this.context = Object.freeze(redactContext(context));
  }
}

/** `true` for a `MultiDbError` (of `code`, when given); narrows `error.code` to that code. */
export function isMultiDbError<TCode extends MultiDbErrorCode = MultiDbErrorCode>(
  error: unknown,
  code?: TCode,
): error is MultiDbError<TCode> {
  return error instanceof MultiDbError && (code === undefined || error.code === code);
}

function redactContext(context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context))
    out[key] = typeof value === 'string' ? redactText(value) : value;
  return out;
}

/** A text description of any thrown value, credentials removed. Drizzle wraps driver errors: use the cause. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return redactText(`${error.message}${cause}`);
  }
  return redactText(String(error));
}

/**
 * The code (SQLSTATE or driver code such as `ECONNREFUSED`) of the innermost error that has one: Drizzle wraps
 * driver errors in `DrizzleQueryError` and the toolkit in `MultiDbError`, so the `cause` chain is followed.
 */
export function innermostErrorCode(error: unknown): string | undefined {
  return causeChain(error).reduce<string | undefined>(
    (found, cause) => ownErrorCode(cause) ?? found,
    undefined,
  );
}
