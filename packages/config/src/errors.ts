import { redactText } from './redact.js';

/** Base class of every error the toolkit throws: a stable `code`, context, and a message free of credentials. */
export class MultiDbError extends Error {
  readonly code: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(redactText(message), options);
    this.name = 'MultiDbError';
    this.code = code;
    this.context = Object.freeze(redactContext(context));
  }
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
