import { redactText } from './redact.js';

export type LogContext = Readonly<Record<string, unknown>>;

/**
 * Where the packages report what happens off the caller's path (a node going down, rows dead-lettered). A
 * `console` or a pino/winston logger fits. Every message and string value is redacted before it gets here.
 */
export interface Logger {
  debug?(message: string, context?: LogContext): void;
  info?(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}

export const silentLogger: Logger = Object.freeze({ warn() {}, error() {} });

/** Wraps a logger so connection strings and passwords never reach it, and so a throwing logger is harmless. */
export function redactingLogger(logger: Logger): Required<Logger> {
  const call =
    (level: keyof Logger) =>
    (message: string, context?: LogContext): void => {
      try {
        logger[level]?.(redactText(message), context === undefined ? undefined : redactContext(context));
      } catch {
        // A logger must never break the path that logs.
      }
    };
  return { debug: call('debug'), info: call('info'), warn: call('warn'), error: call('error') };
}

function redactContext(context: LogContext): LogContext {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    out[key] = typeof value === 'string' ? redactText(value) : value;
  }
  return out;
}
