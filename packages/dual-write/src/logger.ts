import { redactText } from '@multidb/config';

export type LogContext = Readonly<Record<string, unknown>>;

/** Where dual-write reports what happens off the caller's path. Every message and string is redacted first. */
export interface DualWriteLogger {
  debug?(message: string, context?: LogContext): void;
  info?(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}

export const silentLogger: DualWriteLogger = { warn() {}, error() {} };

/** Wraps a logger so connection strings and passwords never reach it, and so a throwing logger is harmless. */
export function redactingLogger(logger: DualWriteLogger): Required<DualWriteLogger> {
  const call =
    (level: keyof DualWriteLogger) =>
    (message: string, context?: LogContext): void => {
      try {
        logger[level]?.(redactText(message), context === undefined ? undefined : redactContext(context));
      } catch {
        // A logger must never break the backup path.
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
