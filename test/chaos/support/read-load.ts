import { type AnyPgDatabase, executeRows } from '@multidb/config';
import { sql } from 'drizzle-orm';
import { errorCode } from './error-code.js';
import { LatencyLog } from './latency.js';
import { settleWithin } from './wait-for.js';

export interface ServedRead {
  readonly at: number;
  readonly node: string;
}

export interface ReadLoadOptions {
  /** The client to read through, e.g. `() => router.getClient('read')`. */
  readonly client: () => AnyPgDatabase;
  readonly readers: number;
  /** Server port → node name, to tell which node answered. */
  readonly nodes: ReadonlyMap<number, string>;
}

/**
 * Readers looping over a real query through a read intent; each read reports the server that answered
 * (`inet_server_port()`), so a scenario can tell when a node left and rejoined the rotation.
 */
export class ReadLoad {
  phase = 'baseline';
  readonly latency = new LatencyLog();
  readonly served: ServedRead[] = [];
  readonly failures: { phase: string; code: string; at: number }[] = [];
  readonly #o: ReadLoadOptions;
  #running = false;
  #loops: Promise<void>[] = [];

  constructor(options: ReadLoadOptions) {
    this.#o = options;
  }

  get reads(): number {
    return this.served.length;
  }

  start(): void {
    this.#running = true;
    this.#loops = Array.from({ length: this.#o.readers }, () => this.#loop());
  }

  /** Stops the readers; rejects if one is still inside a query after `timeoutMs` (a query never settled). */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.#running = false;
    await settleWithin(Promise.all(this.#loops), timeoutMs, 'reader(s)');
  }

  /** Reads that started at or after `since` (performance.now()) and were answered by `node`. */
  servedBy(node: string, since = 0): number {
    return this.served.filter((r) => r.node === node && r.at >= since).length;
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      const phase = this.phase;
      const at = performance.now();
      try {
        const [row] = await executeRows<{ port: number }>(
          this.#o.client(),
          sql`select inet_server_port() as port, count(*)::int as n from customer.clients c
              join customer.organizations o on o.id = c.organization_id where o.plan <> 'enterprise'`,
        );
        this.latency.add(phase, performance.now() - at);
        this.served.push({ at, node: this.#o.nodes.get(Number(row?.port)) ?? 'unknown' });
      } catch (error) {
        this.failures.push({ phase, code: errorCode(error), at });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  }
}
