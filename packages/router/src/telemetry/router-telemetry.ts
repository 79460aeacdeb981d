import type { Attributes, Histogram, Meter, Span, Tracer } from '@opentelemetry/api';
import type { RouterNode } from '../nodes/router-node.js';
import {
  type AttributeMap,
  errorType,
  nodeAttributes,
  type StatementInfo,
  sqlState,
  statementAttributes,
} from './db-attributes.js';
import { loadOtelApi, type OtelApi } from './otel-api.js';
import type { TelemetrySetting } from './telemetry-options.js';

export const INSTRUMENTATION_NAME = '@multidb/router';
export const INSTRUMENTATION_VERSION = '0.1.0';
/** The conventions' recommended boundaries for `db.client.operation.duration`, in seconds. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/** How a read was constrained: by a consistency token, to the primary after a write in the scope, or not. */
export type ConsistencyAttribute = 'none' | 'token' | 'primary';

/**
 * The router's OpenTelemetry instruments: a CLIENT span per routed query and per transaction, the
 * `db.client.operation.duration` histogram, and health transitions. `undefined` (nothing to do on the query
 * path) when telemetry is off or `@opentelemetry/api` is not installed.
 */
export class RouterTelemetry {
  readonly #api: OtelApi;
  readonly #tracer: Tracer;
  readonly #duration: Histogram | undefined;
  readonly #captureText: boolean;
  readonly #nodes = new Map<RouterNode, AttributeMap>();

  static create(setting: TelemetrySetting | undefined): RouterTelemetry | undefined {
    if (setting === false) return undefined;
    const api = loadOtelApi();
    if (api === undefined) return undefined;
    return new RouterTelemetry(api, setting === true || setting === undefined ? {} : setting);
  }

  private constructor(api: OtelApi, options: Exclude<TelemetrySetting, boolean>) {
    this.#api = api;
    const tracerProvider = options.tracerProvider ?? api.trace.getTracerProvider();
    this.#tracer = tracerProvider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION) as Tracer;
    const meter = (options.meterProvider ?? api.metrics.getMeterProvider()).getMeter(
      INSTRUMENTATION_NAME,
      INSTRUMENTATION_VERSION,
    ) as Meter;
    const histogram = meter.createHistogram('db.client.operation.duration', {
      description: 'Duration of database client operations.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    // Without a registered meter provider the histogram is the api's no-op: skip building its attributes.
    const noop = api.createNoopMeter().createHistogram('noop');
    this.#duration = histogram.constructor === noop.constructor ? undefined : histogram;
    this.#captureText = options.captureQueryText === true;
  }

  /** A routed query (one span even when a failed replica read is retried on another node). */
  query(intent: string, statement: StatementInfo | undefined): OperationTrace {
    const { operation, collection } = statementAttributes(statement);
    const name = operation === undefined ? 'postgresql' : `${operation}${collection ? ` ${collection}` : ''}`;
    const span = this.#tracer.startSpan(name, { kind: this.#api.SpanKind.CLIENT });
    const base: AttributeMap = { 'db.system.name': 'postgresql', 'multidb.intent': intent };
    if (operation !== undefined) base['db.operation.name'] = operation;
    if (collection !== undefined) base['db.collection.name'] = collection;
    if (this.#captureText && statement !== undefined && span.isRecording())
      span.setAttribute('db.query.text', statement.sql);
    return new OperationTrace(this, span, base);
  }

  /** A transaction on the primary (or a pinned node): a span over the whole callback, active inside it. */
  transaction(intent: string): OperationTrace {
    const span = this.#tracer.startSpan('BEGIN', { kind: this.#api.SpanKind.CLIENT });
    return new OperationTrace(this, span, {
      'db.system.name': 'postgresql',
      'db.operation.name': 'BEGIN',
      'multidb.intent': intent,
    });
  }

  /** A node went down or came back: an event on the active span, and a short span of its own. */
  health(node: RouterNode, state: 'down' | 'up', detectedBy: 'probe' | 'query' | undefined): void {
    const attributes: AttributeMap = { ...this.nodeAttributes(node), 'multidb.health.state': state };
    if (detectedBy !== undefined) attributes['multidb.health.detected_by'] = detectedBy;
    const name = `multidb.node.${state}`;
    const active = this.#api.trace.getActiveSpan();
    if (active?.isRecording()) active.addEvent(name, attributes);
    const span = this.#tracer.startSpan(name, { attributes });
    span.end();
  }

  /** Whether anything records this operation (a recording span or a real histogram). */
  wanted(span: Span): boolean {
    return this.#duration !== undefined || span.isRecording();
  }

  nodeAttributes(node: RouterNode): AttributeMap {
    let attributes = this.#nodes.get(node);
    if (attributes === undefined) {
      attributes = nodeAttributes(node);
      this.#nodes.set(node, attributes);
    }
    return attributes;
  }

  /** Runs `fn` with `span` as the active span (when something records it). */
  within<T>(span: Span, fn: () => Promise<T>): Promise<T> {
    if (!span.isRecording()) return fn();
    const { context, trace } = this.#api;
    return context.with(trace.setSpan(context.active(), span), fn);
  }

  finish(span: Span, attributes: AttributeMap, seconds: number, error: unknown, failed: boolean): void {
    if (failed) {
      attributes['error.type'] = errorType(error);
      const status = sqlState(error);
      if (status !== undefined) attributes['db.response.status_code'] = status;
    }
    this.#duration?.record(seconds, attributes as Attributes);
    if (!span.isRecording()) {
      span.end();
      return;
    }
    span.setAttributes(attributes as Attributes);
    // The status carries the error type only: driver messages can quote values.
    if (failed)
      span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: attributes['error.type'] as string });
    span.end();
  }
}

/** One routed operation in flight: which node ran it, whether it was retried, how it ended. */
export class OperationTrace {
  readonly #telemetry: RouterTelemetry;
  readonly span: Span;
  readonly #attributes: AttributeMap;
  readonly #started = performance.now();
  #node: RouterNode | undefined;
  #retried = false;
  #consistency: ConsistencyAttribute = 'none';

  constructor(telemetry: RouterTelemetry, span: Span, attributes: AttributeMap) {
    this.#telemetry = telemetry;
    this.span = span;
    this.#attributes = attributes;
  }

  /** The node an attempt runs on (the last one wins). */
  attempt(node: RouterNode): void {
    if (this.#node !== undefined) this.#retried = true;
    this.#node = node;
  }

  /** A read after a connection error on `failed`, about to be retried on another node. */
  retry(failed: RouterNode, error: unknown): void {
    if (!this.span.isRecording()) return;
    this.span.addEvent('multidb.retry', {
      'multidb.node': failed.name,
      'error.type': errorType(error),
    });
  }

  consistency(value: ConsistencyAttribute): void {
    this.#consistency = value;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.#telemetry.within(this.span, fn).then(
      (result) => {
        this.#end(undefined, false);
        return result;
      },
      (error: unknown) => {
        this.#end(error, true);
        throw error;
      },
    );
  }

  #end(error: unknown, failed: boolean): void {
    if (!this.#telemetry.wanted(this.span)) {
      this.span.end();
      return;
    }
    const attributes: AttributeMap = { ...this.#attributes };
    if (this.#node !== undefined) Object.assign(attributes, this.#telemetry.nodeAttributes(this.#node));
    attributes['multidb.retried'] = this.#retried;
    attributes['multidb.consistency'] = this.#consistency;
    this.#telemetry.finish(this.span, attributes, (performance.now() - this.#started) / 1000, error, failed);
  }
}
