import { causeChain, redactText } from '@multidb/config';

export interface HysteresisOptions {
  /** Consecutive failures (probes or connection errors on real queries) that take a healthy node down. */
  readonly failuresToDown: number;
  /** Consecutive successful probes that bring a down node back. */
  readonly successesToUp: number;
}

const LATENCY_SMOOTHING = 0.3;
const MAX_ERROR_LENGTH = 300;

/**
 * Health of one node with hysteresis: N failures in a row to go down, M successes in a row to come back, so a
 * single lost probe or a flapping node does not move traffic back and forth. Time comes from the caller.
 */
export class NodeHealth {
  readonly #options: HysteresisOptions;
  #healthy = true;
  #failures = 0;
  #successes = 0;
  #lastError: string | undefined;
  #lastCheckAt: number | undefined;
  #latencyMs: number | undefined;
  #downCount = 0;

  constructor(options: HysteresisOptions) {
    this.#options = options;
  }

  get healthy(): boolean {
    return this.#healthy;
  }
  get consecutiveFailures(): number {
    return this.#failures;
  }
  get consecutiveSuccesses(): number {
    return this.#successes;
  }
  /** Redacted, bounded description of the last failure. */
  get lastError(): string | undefined {
    return this.#lastError;
  }
  get lastCheckAt(): number | undefined {
    return this.#lastCheckAt;
  }
  /** Moving average of probe round trips, ms. */
  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }
  /** How many times the node went down. */
  get downCount(): number {
    return this.#downCount;
  }

  /** A successful probe. Returns true when the node came back up. */
  recordProbeSuccess(now: number, latencyMs: number): boolean {
    this.#lastCheckAt = now;
    this.#latencyMs =
      this.#latencyMs === undefined
        ? latencyMs
        : this.#latencyMs + LATENCY_SMOOTHING * (latencyMs - this.#latencyMs);
    this.#failures = 0;
    this.#successes++;
    if (!this.#healthy && this.#successes >= this.#options.successesToUp) {
      this.#healthy = true;
      return true;
    }
    return false;
  }

  /** A real query succeeded: breaks a run of failures, but only probes bring a down node back. */
  recordQuerySuccess(): void {
    if (this.#failures !== 0) this.#failures = 0;
  }

  /** A failed probe or a connection error on a real query. Returns true when the node went down. */
  recordFailure(now: number, error: unknown, probe: boolean): boolean {
    if (probe) this.#lastCheckAt = now;
    this.#lastError = describeFailure(error);
    this.#successes = 0;
    this.#failures++;
    if (this.#healthy && this.#failures >= this.#options.failuresToDown) {
      this.#healthy = false;
      this.#downCount++;
      return true;
    }
    return false;
  }
}

/** The root cause (Drizzle wraps driver errors with the whole query text), with its code, redacted. */
export function describeFailure(error: unknown): string {
  const root = causeChain(error).findLast((cause) => cause instanceof Error) ?? error;
  if (!(root instanceof Error)) return redactText(String(root)).slice(0, MAX_ERROR_LENGTH);
  const code = (root as { code?: unknown }).code;
  const text =
    typeof code === 'string' && !root.message.includes(code) ? `${code}: ${root.message}` : root.message;
  return redactText(text).slice(0, MAX_ERROR_LENGTH);
}
