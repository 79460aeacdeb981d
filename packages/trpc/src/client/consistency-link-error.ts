export type ConsistencyLinkErrorCode = 'StreamingMutation' | 'NoFetch';

/** A misuse of the client helper that would silently lose read-your-writes; thrown, with a stable `code`. */
export class ConsistencyLinkError extends Error {
  override readonly name = 'ConsistencyLinkError';
  readonly code: ConsistencyLinkErrorCode;

  constructor(code: ConsistencyLinkErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isConsistencyLinkError(
  error: unknown,
  code?: ConsistencyLinkErrorCode,
): error is ConsistencyLinkError {
  return error instanceof ConsistencyLinkError && (code === undefined || error.code === code);
}
