import { clients, createFactories, createRandom, organizations, type Random } from '@multidb/example-app';
import { eq } from 'drizzle-orm';
import { errorCode } from './error-code.js';
import { LatencyLog } from './latency.js';
import { settleWithin } from './wait-for.js';
import {
  createOrganization,
  MIXED_OPS,
  type Op,
  type OpContext,
  type SharedRows,
  WorkerRows,
  type WorkloadClients,
} from './workload-ops.js';

export interface WorkloadOptions {
  readonly clients: WorkloadClients;
  readonly workers: number;
  /** Seeds the workers' randomness (worker i uses seed + i). */
  readonly seed: number;
  /** Prefix of every unique value: distinct per app instance and run. */
  readonly label: string;
  /** Stop after this many write operations in total (default: until `stop()`). */
  readonly maxWrites?: number;
  /** Chance of a read through the read intent after each write (default 0.5). */
  readonly readRatio?: number;
  readonly ops?: readonly Op[];
  readonly shared?: SharedRows;
  /** Pause after a failed operation, so an outage is not a busy loop (default 20 ms). */
  readonly errorPauseMs?: number;
}

export interface FailedOp {
  readonly phase: string;
  readonly op: string;
  readonly code: string;
  readonly ms: number;
  readonly at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Concurrent workers running a weighted mix of operations through the router, each timed and tagged with the
 * scenario's current `phase`. Failures are recorded (never thrown) so a scenario can count and classify them.
 */
export class Workload {
  /** Set by the scenario; every sample is tagged with the phase current when the operation started. */
  phase = 'baseline';
  readonly writeLatency = new LatencyLog();
  readonly readLatency = new LatencyLog();
  readonly failedWrites: FailedOp[] = [];
  readonly failedReads: FailedOp[] = [];
  readonly #o: WorkloadOptions;
  readonly #ops: readonly Op[];
  readonly #totalWeight: number;
  #started = 0;
  #writes = 0;
  #reads = 0;
  #running = false;
  #active = 0;
  #workers: Promise<void>[] = [];

  constructor(options: WorkloadOptions) {
    this.#o = options;
    this.#ops = options.ops ?? MIXED_OPS;
    this.#totalWeight = this.#ops.reduce((sum, op) => sum + op.weight, 0);
  }

  /** Write operations that succeeded. */
  get writes(): number {
    return this.#writes;
  }

  get reads(): number {
    return this.#reads;
  }

  start(): void {
    this.#running = true;
    this.#active = this.#o.workers;
    this.#workers = Array.from({ length: this.#o.workers }, (_, i) =>
      this.#worker(i).finally(() => {
        this.#active--;
      }),
    );
  }

  /** Stops the workers; rejects if one is still inside an operation after `timeoutMs` (a query never settled). */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.#running = false;
    await settleWithin(Promise.all(this.#workers), timeoutMs, `${this.#active} workload worker(s)`);
  }

  /** Resolves when every worker is done (`maxWrites` reached). */
  done(): Promise<void> {
    return Promise.all(this.#workers).then(() => undefined);
  }

  /** Resolves once `n` writes succeeded in total (or the workload ended); rejects if that takes over `timeoutMs`. */
  async untilWrites(n: number, timeoutMs = 120_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.#writes < n && this.#running && this.#active > 0) {
      if (performance.now() > deadline)
        throw new Error(
          `workload stuck at ${this.#writes} writes, waiting for ${n}: its queries never settled`,
        );
      await sleep(5);
    }
  }

  #pick(random: Random): Op {
    let roll = random.next() * this.#totalWeight;
    for (const op of this.#ops) {
      roll -= op.weight;
      if (roll < 0) return op;
    }
    return this.#ops[this.#ops.length - 1] as Op;
  }

  async #worker(index: number): Promise<void> {
    const random = createRandom(this.#o.seed + index);
    let counter = 0;
    const ctx: OpContext = {
      db: this.#o.clients,
      f: createFactories({ seed: this.#o.seed * 1000 + index }),
      random,
      rows: new WorkerRows(),
      unique: () => `${this.#o.label}-${index}-${++counter}`,
      shared: this.#o.shared,
    };
    const max = this.#o.maxWrites ?? Number.POSITIVE_INFINITY;
    while (this.#running && this.#started < max) {
      this.#started++;
      const op = ctx.rows.orgs.length === 0 ? createOrganization : this.#pick(random);
      const phase = this.phase;
      const start = performance.now();
      try {
        if (!(await op.run(ctx))) await createOrganization.run(ctx);
        this.writeLatency.add(phase, performance.now() - start);
        this.#writes++;
      } catch (error) {
        const ms = performance.now() - start;
        this.failedWrites.push({ phase, op: op.name, code: errorCode(error), ms, at: start });
        await sleep(this.#o.errorPauseMs ?? 20);
      }
      if (random.chance(this.#o.readRatio ?? 0.5)) await this.#read(ctx);
    }
  }

  async #read(ctx: OpContext): Promise<void> {
    const org = ctx.rows.orgs[ctx.random.int(0, Math.max(0, ctx.rows.orgs.length - 1))];
    const phase = this.phase;
    const start = performance.now();
    try {
      await this.#o.clients
        .read()
        .select({ id: clients.id, name: clients.name, org: organizations.slug })
        .from(clients)
        .innerJoin(organizations, eq(clients.organizationId, organizations.id))
        .where(eq(clients.organizationId, org?.id ?? '00000000-0000-4000-8000-000000000000'))
        .limit(20);
      this.readLatency.add(phase, performance.now() - start);
      this.#reads++;
    } catch (error) {
      const ms = performance.now() - start;
      this.failedReads.push({ phase, op: 'read', code: errorCode(error), ms, at: start });
    }
  }
}
