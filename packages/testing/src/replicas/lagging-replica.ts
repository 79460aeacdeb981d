import type { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import type { Logger } from 'drizzle-orm';
import { ChangeApplier } from './change-apply.js';
import { CAPTURE_SCHEMA, type CapturedBatch, ChangeCapture } from './change-capture.js';
import { primaryInsertPosition, type ReplicaPositionSource } from './replica-position.js';
import { ReplicaSwitch } from './replica-switch.js';

export interface LaggingReplicaOptions<TSchema extends Record<string, unknown>> {
  readonly name?: string;
  /** drizzle-orm 0.45: the schema for `db.query` (relational queries). */
  readonly schema?: TSchema;
  /** drizzle-orm 1.0: `defineRelations(schema, ...)`, for `db.query` (relational queries v2). */
  readonly relations?: object | undefined;
  /** Drizzle logger for queries run on the replica. */
  readonly logger?: Logger;
  /** Each captured change is applied this long after it was captured; default 0. */
  readonly delayMs?: number;
  /** How often the feeder polls the primary; default 10 ms. */
  readonly pollMs?: number;
  /** Start with replay paused. */
  readonly paused?: boolean;
  readonly clock?: { now(): number };
}

/**
 * A separate PGlite fed from the primary: cloned at creation, then row changes captured on the primary are
 * applied in order after `delayMs`. Its replay position is comparable to the primary's
 * `pg_current_wal_insert_lsn()`, so lag and read-your-writes work as with streaming replication.
 */
export class LaggingReplica<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly name: string;
  readonly handle: DbHandle<TSchema>;
  /** The replica's own PGlite, for test setup that must not go through the primary. */
  readonly pglite: PGlite;
  readonly positionSource: ReplicaPositionSource;
  readonly #capture: ChangeCapture;
  readonly #reader: symbol;
  readonly #applier: ChangeApplier;
  readonly #gate: ReplicaSwitch;
  readonly #clock: { now(): number };
  readonly #timer: NodeJS.Timeout;
  readonly #received: { batch: CapturedBatch; at: number }[] = [];
  #delayMs: number;
  #paused: boolean;
  #receiving = true;
  #position: bigint;
  #work: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(init: {
    name: string;
    pglite: PGlite;
    capture: ChangeCapture;
    reader: symbol;
    position: bigint;
    options: LaggingReplicaOptions<TSchema>;
  }) {
    this.name = init.name;
    this.pglite = init.pglite;
    this.#capture = init.capture;
    this.#reader = init.reader;
    this.#position = init.position;
    this.#applier = new ChangeApplier(init.pglite);
    this.#gate = new ReplicaSwitch(init.name);
    this.#clock = init.options.clock ?? { now: () => Date.now() };
    this.#delayMs = init.options.delayMs ?? 0;
    this.#paused = init.options.paused ?? false;
    this.handle = fromPglite(this.#gate.wrap(init.pglite), {
      schema: init.options.schema,
      relations: init.options.relations,
      logger: init.options.logger,
      ownsClient: false,
      name: init.name,
    });
    this.positionSource = {
      sample: async () => {
        await this.#gate.pass();
        return { role: 'standby', replayPosition: this.#position, receiving: this.#receiving };
      },
    };
    this.#timer = setInterval(() => this.#enqueue(() => this.#tick(false)), init.options.pollMs ?? 10);
    this.#timer.unref();
  }

  static async create<TSchema extends Record<string, unknown> = Record<string, never>>(
    primary: PGlite,
    options: LaggingReplicaOptions<TSchema> = {},
  ): Promise<LaggingReplica<TSchema>> {
    const capture = await ChangeCapture.of(primary);
    // Read before cloning: the clone holds at least everything up to this position.
    const position = await primaryInsertPosition(primary);
    const pglite = (await primary.clone()) as PGlite;
    try {
      await pglite.exec('SET session_replication_role = replica');
      const { rows } = await pglite.query<{ last: string }>(
        `SELECT coalesce(max(id), 0)::text AS last FROM ${CAPTURE_SCHEMA}.changes`,
      );
      const reader = capture.register(BigInt(rows[0]?.last ?? '0'));
      return new LaggingReplica({
        name: options.name ?? 'lagging',
        pglite,
        capture,
        reader,
        position,
        options,
      });
    } catch (error) {
      await pglite.close();
      throw error;
    }
  }

  get db(): DbHandle<TSchema>['db'] {
    return this.handle.db;
  }
  /** Position up to which the primary's changes are applied (comparable to its insert LSN). */
  get replayPosition(): bigint {
    return this.#position;
  }
  get paused(): boolean {
    return this.#paused;
  }

  /** Like `pg_wal_replay_pause()`: changes keep arriving but are not applied. */
  pause(): void {
    this.#paused = true;
  }
  resume(): void {
    this.#paused = false;
  }
  setDelay(ms: number): void {
    this.#delayMs = ms;
  }
  /** Stops receiving (the router must then see lag as unknown, not 0) until `reconnectReceiver()`. */
  disconnectReceiver(): void {
    this.#receiving = false;
  }
  reconnectReceiver(): void {
    this.#receiving = true;
  }
  /** Queries and probes fail like a refused connection until `start()`. */
  stop(): void {
    this.#gate.stop();
  }
  start(): void {
    this.#gate.start();
  }
  setLatency(ms: number): void {
    this.#gate.setLatency(ms);
  }

  /** Receives and applies everything the primary has committed, ignoring delay, pause and disconnection. */
  catchUp(): Promise<void> {
    return this.#enqueue(() => this.#tick(true));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#gate.close();
    this.#capture.unregister(this.#reader);
    await this.#work.catch(() => undefined);
    if (!this.pglite.closed) await this.pglite.close();
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.#work.then(() => (this.#closed ? undefined : step()));
    this.#work = next.catch(() => undefined);
    return next;
  }

  async #tick(force: boolean): Promise<void> {
    if (this.#gate.stopped && !force) return;
    if (this.#receiving || force) {
      this.#received.push({ batch: await this.#capture.capture(this.#reader), at: this.#clock.now() });
    }
    if (this.#paused && !force) return;
    const due = force ? Number.POSITIVE_INFINITY : this.#clock.now() - this.#delayMs;
    while (this.#received.length > 0 && (this.#received[0] as { at: number }).at <= due) {
      const { batch } = this.#received.shift() as { batch: CapturedBatch };
      await this.#applier.apply(batch.changes);
      if (batch.position > this.#position) this.#position = batch.position;
    }
  }
}

export function createLaggingReplica<TSchema extends Record<string, unknown> = Record<string, never>>(
  primary: PGlite,
  options: LaggingReplicaOptions<TSchema> = {},
): Promise<LaggingReplica<TSchema>> {
  return LaggingReplica.create(primary, options);
}
