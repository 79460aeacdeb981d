/**
 * OpenTelemetry for the router (`telemetry` in the router options). Structural types only: `@opentelemetry/api`
 * is an optional peer, so a `TracerProvider` / `MeterProvider` from it (or an SDK) is accepted without the
 * router's declarations naming that package.
 */
export interface TelemetryOptions {
  /** Default: the globally registered one (`trace.getTracerProvider()`); nothing is recorded without an SDK. */
  readonly tracerProvider?: { getTracer(name: string, version?: string): unknown };
  /** Default: the globally registered one (`metrics.getMeterProvider()`), read when the router is created. */
  readonly meterProvider?: { getMeter(name: string, version?: string): unknown };
  /**
   * Put the SQL text (`db.query.text`, with `$1` placeholders: never parameter values) on query spans. Default
   * false: the text can carry literals of raw `sql` queries, so it is opt-in.
   */
  readonly captureQueryText?: boolean;
}

/** `false`: no telemetry at all. Default (`undefined` or `true`): on when `@opentelemetry/api` is installed. */
export type TelemetrySetting = boolean | TelemetryOptions;
