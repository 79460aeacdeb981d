import type { Intent } from '@multidb/config';
import { clients as clientsTable, createRandom, organizations, type Random } from '@multidb/example-app';
import type { AppClient } from './app-client.js';
import type { DemoApp } from './demo-app.js';
import { sleep, waitFor } from './timing.js';
import { type KnownData, OPERATIONS, pickOperation } from './workload-mix.js';

const USERS = 4;

/**
 * The mixed workload, driven through the tRPC fetch handler by a few concurrent virtual users with a little
 * think time between requests. Story steps run it in the background (`during`) while they break things.
 */
export class Workload {
  readonly #api: AppClient;
  readonly #known: KnownData;
  readonly #random: Random;
  readonly #byIntent = new Map<Intent, number>();

  private constructor(api: AppClient, known: KnownData, random: Random) {
    this.#api = api;
    this.#known = known;
    this.#random = random;
  }

  /** Reads the organizations and clients the workload will use from the primary. */
  static async start(app: DemoApp, seed = 7): Promise<Workload> {
    const db = app.router.$primary;
    const [orgs, clientRows] = await Promise.all([
      db.select({ id: organizations.id, slug: organizations.slug }).from(organizations),
      db.select({ id: clientsTable.id }).from(clientsTable),
    ]);
    return new Workload(
      app.api,
      { organizations: orgs, clientIds: clientRows.map((c) => c.id) },
      createRandom(seed),
    );
  }

  get requests(): number {
    return this.#api.requests;
  }
  get failed(): number {
    return this.#api.failed;
  }

  /** Operations run so far per intent (a job counts once, as `background`). */
  byIntent(): Record<string, number> {
    return Object.fromEntries(OPERATIONS.map((op) => op.intent).map((i) => [i, this.#byIntent.get(i) ?? 0]));
  }

  /** Runs about `count` requests. */
  async run(count: number): Promise<void> {
    const target = this.#api.requests + count;
    await this.during(() => waitFor(() => this.#api.requests >= target, { timeoutMs: 120_000 }));
  }

  /** Keeps the users busy while `scenario` runs; resolves with its result once every user has stopped. */
  async during<T>(scenario: () => Promise<T>): Promise<T> {
    let running = true;
    // Each user sends the token of its write with its next request only (read-after-write), like a page
    // that shows what was just saved.
    const users = Array.from({ length: USERS }, async () => {
      let token: string | undefined;
      while (running) {
        const op = pickOperation(this.#random);
        this.#byIntent.set(op.intent, (this.#byIntent.get(op.intent) ?? 0) + 1);
        token = await op.run(this.#api, token, this.#known, this.#random);
        await sleep(this.#random.int(1, 5));
      }
    });
    try {
      return await scenario();
    } finally {
      running = false;
      await Promise.all(users);
    }
  }

  /** Resolves once `count` more requests have completed (scenarios pace themselves on the traffic). */
  async requestsLater(count: number): Promise<void> {
    const target = this.#api.requests + count;
    await waitFor(() => this.#api.requests >= target, { timeoutMs: 60_000, intervalMs: 5 });
  }
}
