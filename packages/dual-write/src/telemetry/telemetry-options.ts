/**
 * OpenTelemetry for the backup path (`telemetry` in the writer and drainer options). Structural types only:
 * `@opentelemetry/api` is an optional peer, so providers from it (or an SDK) are accepted without the
 * declarations naming that package.
 */
export interface TelemetryOptions {
  /** Default: the globally registered one; nothing is recorded without an SDK. */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** Default: the globally registered one, read when the writer is created. */
  readonly meterProvider?: { getMeter(name: string, version?: string): unknown };
}

/** `false`: no telemetry. Default (`undefined` or `true`): on when `@opentelemetry/api` is installed. */
export type TelemetrySetting = boolean | TelemetryOptions;
