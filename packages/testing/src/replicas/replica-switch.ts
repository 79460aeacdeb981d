import type { PGlite } from '@electric-sql/pglite';

/** Methods of PGlite that reach the database: these fail while the node is stopped. */
const GATED = new Set(['query', 'sql', 'exec', 'transaction', 'describeQuery']);

/**
 * Availability of an in-memory node: `stop()` makes every query (and probe) fail like a server that refuses
 * connections (`ECONNREFUSED`), `start()` brings it back, `setLatency()` adds a delay to each round trip.
 */
export class ReplicaSwitch {
  readonly #name: string;
  #stopped = false;
  #closed = false;
  #latencyMs = 0;

  constructor(name: string) {
    this.#name = name;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  stop(): void {
    this.#stopped = true;
  }
  start(): void {
    this.#stopped = false;
  }
  close(): void {
    this.#closed = true;
  }
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Resolves when the node may answer; rejects like a refused connection when it is stopped or closed. */
  async pass(): Promise<void> {
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
    if (this.#closed) throw new Error(`PGlite is closed (in-memory replica "${this.#name}")`);
    if (this.#stopped) {
      throw Object.assign(new Error(`connect ECONNREFUSED: in-memory replica "${this.#name}" is stopped`), {
        code: 'ECONNREFUSED',
      });
    }
  }

  /** The same PGlite seen through this switch (the instance is not copied; other methods pass through). */
  wrap(pg: PGlite): PGlite {
    return new Proxy(pg, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (typeof property === 'string' && GATED.has(property)) {
          return async (...args: unknown[]) => {
            await this.pass();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  }
}
