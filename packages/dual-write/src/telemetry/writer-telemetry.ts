import type { Attributes, ObservableResult, Span, Tracer } from '@opentelemetry/api';
import type { ChangeUnit } from '../apply/change.js';
import type { ApplyReport } from '../apply/isolating-apply.js';
import type { DualWriteMetrics } from '../queue/metrics.js';
import { errorType } from './error-type.js';
import { loadOtelApi, type OtelApi } from './otel-api.js';
import type { TelemetrySetting } from './telemetry-options.js';

export const INSTRUMENTATION_NAME = '@multidb/dual-write';
export const INSTRUMENTATION_VERSION = '0.1.0';

/** How a batch ended: every unit applied, some rejected or held back, the backup unreachable, or all rejected. */
export type BatchOutcome = 'applied' | 'partial' | 'held' | 'rejected';

/**
 * The backup path's OpenTelemetry instruments: a CLIENT span per apply batch (rows, tables, outcome) and
 * observable gauges for the queue depth and the backup lag. `undefined` when off or the api is not installed.
 */
export class WriterTelemetry {
  readonly #api: OtelApi;
  readonly #tracer: Tracer;
  readonly #options: Exclude<TelemetrySetting, boolean>;
  readonly #mode: 'memory' | 'durable';

  static create(
    setting: TelemetrySetting | undefined,
    mode: 'memory' | 'durable',
  ): WriterTelemetry | undefined {
    if (setting === false) return undefined;
    const api = loadOtelApi();
    if (api === undefined) return undefined;
    return new WriterTelemetry(api, setting === true || setting === undefined ? {} : setting, mode);
  }

  private constructor(api: OtelApi, options: Exclude<TelemetrySetting, boolean>, mode: 'memory' | 'durable') {
    this.#api = api;
    this.#options = options;
    this.#mode = mode;
    const provider = options.tracerProvider ?? api.trace.getTracerProvider();
    this.#tracer = provider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION) as Tracer;
  }

  /** Runs one apply batch inside a span that says what it carried and how it ended. */
  async apply<R>(
    units: readonly ChangeUnit<R>[],
    run: () => Promise<ApplyReport<R>>,
  ): Promise<ApplyReport<R>> {
    const span = this.#tracer.startSpan('multidb.backup.apply', { kind: this.#api.SpanKind.CLIENT });
    if (!span.isRecording()) {
      try {
        return await run();
      } finally {
        span.end();
      }
    }
    const tables = new Set<string>();
    let rows = 0;
    for (const unit of units) {
      rows += unit.changes.length;
      for (const change of unit.changes) tables.add(change.table.name);
    }
    span.setAttributes({
      'db.system.name': 'postgresql',
      'multidb.backup.mode': this.#mode,
      'multidb.backup.units': units.length,
      'multidb.backup.rows': rows,
      'multidb.backup.tables': [...tables].sort(),
    });
    try {
      const report = await run();
      this.#settle(span, report);
      return report;
    } catch (error) {
      this.#fail(span, 'rejected', error);
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * `multidb.backup.queue.depth` (rows not yet on the backup) and `multidb.backup.lag` (seconds, age of the
   * oldest pending row), read from `metrics()` at each collection. Returns what stops observing.
   */
  observe(metrics: () => DualWriteMetrics): () => void {
    const meter = (this.#options.meterProvider ?? this.#api.metrics.getMeterProvider()).getMeter(
      INSTRUMENTATION_NAME,
      INSTRUMENTATION_VERSION,
    ) as ReturnType<OtelApi['metrics']['getMeter']>;
    const depth = meter.createObservableGauge('multidb.backup.queue.depth', {
      description: 'Rows captured on the primary and not yet on the backup.',
      unit: '{row}',
    });
    const lag = meter.createObservableGauge('multidb.backup.lag', {
      description: 'Age of the oldest row not yet on the backup (0 when nothing is pending).',
      unit: 's',
    });
    const attributes: Attributes = { 'multidb.backup.mode': this.#mode };
    const observeDepth = (result: ObservableResult) => result.observe(metrics().depth, attributes);
    const observeLag = (result: ObservableResult) =>
      result.observe(metrics().oldestPendingAgeMs / 1000, attributes);
    depth.addCallback(observeDepth);
    lag.addCallback(observeLag);
    return () => {
      depth.removeCallback(observeDepth);
      lag.removeCallback(observeLag);
    };
  }

  #settle<R>(span: Span, report: ApplyReport<R>): void {
    const count = (units: readonly ChangeUnit<R>[]) => units.reduce((n, u) => n + u.changes.length, 0);
    const applied = count(report.applied);
    const rejected = count(report.failed.map((f) => f.unit));
    const held = count([...report.held, ...report.deferred]);
    span.setAttributes({
      'multidb.backup.applied_rows': applied,
      'multidb.backup.rejected_rows': rejected,
      'multidb.backup.held_rows': held,
      'multidb.backup.rollbacks': report.rollbacks,
    });
    const outcome: BatchOutcome =
      report.heldError !== undefined && applied === 0
        ? 'held'
        : rejected + held === 0
          ? 'applied'
          : applied === 0 && rejected > 0
            ? 'rejected'
            : 'partial';
    if (outcome === 'applied' || outcome === 'partial') {
      span.setAttribute('multidb.backup.outcome', outcome);
      if (report.failed[0] !== undefined) span.setAttribute('error.type', errorType(report.failed[0].error));
      return;
    }
    this.#fail(span, outcome, report.heldError ?? report.failed[0]?.error);
  }

  #fail(span: Span, outcome: BatchOutcome, error: unknown): void {
    const type = errorType(error);
    span.setAttributes({ 'multidb.backup.outcome': outcome, 'error.type': type });
    // The status carries the error type only: driver messages can quote row values.
    span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: type });
  }
}

/** `telemetry.apply(units, run)`, or just `run()` without telemetry. */
export function traceApply<R>(
  telemetry: WriterTelemetry | undefined,
  units: readonly ChangeUnit<R>[],
  run: () => Promise<ApplyReport<R>>,
): Promise<ApplyReport<R>> {
  return telemetry === undefined ? run() : telemetry.apply(units, run);
}
