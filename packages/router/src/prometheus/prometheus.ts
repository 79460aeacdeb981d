import { MultiDbError } from '@multidb/config';
import { Counter, Gauge, Registry } from 'prom-client';
import { type BackupSources, backupDetail } from '../health/backup-status.js';
import { type DriftSource, driftReading } from '../ops/drift-status.js';
import type { DbRouter } from '../router/db-router-api.js';
import {
  BACKUP_FAMILIES,
  DRIFT_FAMILIES,
  FAMILIES,
  type Family,
  type RouterState,
} from './prometheus-families.js';

/** What the exposition needs from a router (any schema). */
export type MetricsSource = Pick<DbRouter, 'getMetrics' | 'getHealthStatus'>;

export interface PrometheusOptions {
  /** Metric name prefix; default `multidb_router_`. Use different prefixes for several routers in one registry. */
  readonly prefix?: string;
  /** Register into this prom-client registry (e.g. next to process metrics); default: a new one. */
  readonly registry?: Registry;
  /** The backup's engines (dual-write writer, replication monitor): exported as `backup_*` and `replication_*`. */
  readonly backup?: BackupSources;
  /** The last drift check (e.g. a `driftRecorder()`): exported as `drift_*`. */
  readonly drift?: DriftSource;
}

export interface PrometheusExposition {
  readonly registry: Registry;
  /** `text/plain; version=0.0.4; charset=utf-8` */
  readonly contentType: string;
  /** The text exposition, read from the router's snapshots now. */
  text(): Promise<string>;
  /** A fetch-style `GET /metrics` handler. */
  handler(req: Request): Promise<Response>;
}

const PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Prometheus exposition of `router.getMetrics()` and `router.getHealthStatus()` through prom-client: each family
 * is a collector that reads the router's snapshot when scraped (one snapshot per scrape), so nothing is added
 * to the query path. Labels are node names and intents only; URLs and errors are never exported.
 */
export function prometheusMetrics(
  router: MetricsSource,
  options: PrometheusOptions = {},
): PrometheusExposition {
  const prefix = options.prefix ?? 'multidb_router_';
  if (!PREFIX.test(prefix))
    throw new MultiDbError('InvalidMetricsConfig', `prefix must match ${PREFIX}`, { prefix });
  const registry = options.registry ?? new Registry();
  let scrape: RouterState | undefined;
  // prom-client calls every collector synchronously at the start of a scrape: one snapshot serves them all.
  const state = (): RouterState => {
    if (scrape === undefined) {
      scrape = {
        metrics: router.getMetrics(),
        health: router.getHealthStatus(),
        backup: backupDetail(options.backup),
        drift: driftReading(options.drift),
      };
      queueMicrotask(() => {
        scrape = undefined;
      });
    }
    return scrape;
  };
  for (const family of FAMILIES) register(family, prefix, registry, state);
  if (options.backup !== undefined)
    for (const family of BACKUP_FAMILIES) register(family, prefix, registry, state);
  if (options.drift !== undefined)
    for (const family of DRIFT_FAMILIES) register(family, prefix, registry, state);
  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    async handler(req) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
      const body = await registry.metrics();
      return new Response(req.method === 'HEAD' ? null : body, {
        headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
      });
    },
  };
}

function register(family: Family, prefix: string, registry: Registry, state: () => RouterState): void {
  const common = {
    name: `${prefix}${family.name}`,
    help: family.help,
    labelNames: family.labelNames,
    registers: [registry],
  };
  if (family.type === 'counter') {
    new Counter({
      ...common,
      collect() {
        // Counters mirror the router's own monotonic counts: reset, then set each series to the snapshot value.
        this.reset();
        for (const sample of family.samples(state())) this.inc(sample.labels, sample.value);
      },
    });
    return;
  }
  new Gauge({
    ...common,
    collect() {
      this.reset();
      for (const sample of family.samples(state())) this.set(sample.labels, sample.value);
    },
  });
}
