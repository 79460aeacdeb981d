import type { Logger } from '@multidb/config';
import type { RouterNode } from '../nodes/router-node.js';
import type { RouterTelemetry } from '../telemetry/router-telemetry.js';

/**
 * Health transitions as log lines, through the shared `Logger` (redacted by the router before it gets here):
 * a node going down or coming back, a node's recovery state flipping (failover, promotion), a replica leaving
 * or rejoining lag-sensitive rotation. Each carries the node's name, role and redacted URL (when known).
 */
export class HealthLog {
  readonly #logger: Required<Logger>;
  readonly #lagOk = new Map<RouterNode, boolean>();
  readonly #telemetry: RouterTelemetry | undefined;

  constructor(logger: Required<Logger>, telemetry?: RouterTelemetry) {
    this.#logger = logger;
    this.#telemetry = telemetry;
  }

  down(node: RouterNode, by: 'probe' | 'query'): void {
    this.#logger.warn(`node ${node.name} is down`, {
      ...where(node),
      detectedBy: by,
      consecutiveFailures: node.health.consecutiveFailures,
      error: node.health.lastError,
    });
    this.#telemetry?.health(node, 'down', by);
  }

  up(node: RouterNode): void {
    this.#logger.info(`node ${node.name} is up again`, {
      ...where(node),
      consecutiveSuccesses: node.health.consecutiveSuccesses,
    });
    this.#telemetry?.health(node, 'up', undefined);
  }

  recovery(node: RouterNode, was: boolean | undefined, now: boolean | undefined): void {
    if (was === undefined || now === undefined || was === now) return;
    const what = now ? 'is in recovery (a standby)' : 'left recovery (promoted)';
    const log = node.role === 'primary' && now ? this.#logger.error : this.#logger.warn;
    log(`node ${node.name} ${what}`, where(node));
  }

  /** Called after every eligibility update: logs only flips, never the first reading. */
  lag(node: RouterNode): void {
    // Before its first probe a replica's lag is unknown by construction: that is no transition.
    if (node.role === 'primary' || node.health.lastCheckAt === undefined) return;
    const was = this.#lagOk.get(node);
    this.#lagOk.set(node, node.lagOk);
    if (was === undefined || was === node.lagOk || !node.healthy) return;
    const lag = {
      ...where(node),
      lagBytes: node.lag.bytes,
      lagSeconds: node.lag.seconds,
      state: node.lag.state,
    };
    if (node.lagOk) this.#logger.info(`replica ${node.name} is within the lag limits again`, lag);
    else this.#logger.warn(`replica ${node.name} is out of rotation: lag past the limits or unknown`, lag);
  }
}

function where(node: RouterNode): Record<string, unknown> {
  return { node: node.name, role: node.role, ...(node.safeUrl === undefined ? {} : { url: node.safeUrl }) };
}
