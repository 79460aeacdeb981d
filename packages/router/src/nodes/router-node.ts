import {
  type AnyPgDatabase,
  assertPgDatabase,
  type ConnectOptions,
  connect,
  type DbHandle,
  isPgDatabase,
  type ReadIntent,
  redactUrl,
} from '@multidb/config';
import { type HysteresisOptions, NodeHealth } from '../health/node-health.js';
import type { LagEstimate } from '../lag/lag-tracker.js';
import { type PositionSource, sqlPositionSource } from '../lag/position-source.js';
import type { SettledNode } from '../router/settle-options.js';
import type { NodeInfo, NodeRole } from './node-info.js';

/** How errors name a node: `primary 'main'`, `replica 'r1'`. */
function where(settled: SettledNode): string {
  return `${settled.role} '${settled.name}'`;
}

function isHandle(value: unknown): value is DbHandle<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return 'db' in v && typeof v.safeUrl === 'string' && typeof v.close === 'function';
}

const UNKNOWN_LAG: LagEstimate = Object.freeze({ state: 'unknown', bytes: null, seconds: null });

/** One database the router routes to: how to reach it, its health, and its replication state. */
export class RouterNode implements NodeInfo {
  readonly name: string;
  readonly role: NodeRole;
  readonly index: number;
  readonly intents: readonly ReadIntent[];
  readonly weight: number;
  /** Connection string without credentials, when known. */
  readonly safeUrl: string | undefined;
  readonly health: NodeHealth;
  readonly positionSource: PositionSource;
  /** Last lag estimate (replicas). */
  lag: LagEstimate = UNKNOWN_LAG;
  /** Replay position (replicas) or insert position (primary) from the last sample. */
  position: bigint | undefined;
  /** From the last sample: the node reported it is in recovery. */
  inRecovery: boolean | undefined;
  /** Eligible for lag-sensitive routing (set by the router after each probe). */
  lagOk = false;
  readonly #url: string | undefined;
  /** Whether a routed query may run on the open database (drizzle-orm 1.0: its driver codecs match the primary's). */
  #routable: ((db: AnyPgDatabase) => void) | undefined;
  #routableChecked = false;
  readonly #connectOptions: ConnectOptions<Record<string, unknown>>;
  #db: AnyPgDatabase | undefined;
  #opening: Promise<AnyPgDatabase> | undefined;
  #owned: DbHandle<Record<string, unknown>> | undefined;

  constructor(
    settled: SettledNode,
    index: number,
    hysteresis: HysteresisOptions,
    connectOptions: ConnectOptions<Record<string, unknown>>,
  ) {
    this.name = settled.name;
    this.role = settled.role;
    this.index = index;
    this.intents = settled.intents;
    this.weight = settled.weight;
    this.health = new NodeHealth(hysteresis);
    this.#connectOptions = connectOptions;
    const source = settled.source;
    if (typeof source === 'string') {
      this.#url = source;
      this.safeUrl = redactUrl(source);
    } else if (isPgDatabase(source)) {
      this.#db = source as AnyPgDatabase;
    } else if (isHandle(source)) {
      // A handle of another drizzle-orm copy or line (or a forged one) is refused now, not on the first query.
      this.#db = assertPgDatabase(source.db, `${where(settled)}: the DbHandle's db`);
      this.safeUrl = source.safeUrl;
    } else {
      // A raw driver (PGlite, pg.Pool, postgres.js sql), another drizzle copy or major, anything else.
      throw assertPgDatabase(source, where(settled));
    }
    this.positionSource = settled.positionSource ?? sqlPositionSource(() => this.database());
  }

  get healthy(): boolean {
    return this.health.healthy;
  }
  get latencyMs(): number | undefined {
    return this.health.latencyMs;
  }
  get lagBytes(): number | null {
    return this.lag.bytes;
  }
  get lagSeconds(): number | null {
    return this.lag.seconds;
  }
  /** The database if it is open already (every node not given as a URL). */
  get openDatabase(): AnyPgDatabase | undefined {
    return this.#db;
  }

  /** The node's Drizzle database, opening it on first use when it was given as a URL. */
  database(): AnyPgDatabase | Promise<AnyPgDatabase> {
    if (this.#db !== undefined) return this.#db;
    this.#opening ??= this.#open();
    return this.#opening;
  }

  /**
   * Set by the router: how to check, once, that the database this node opened from a URL decodes like the
   * primary's (the router builds every query with the primary's dialect).
   */
  checkRoutable(check: (db: AnyPgDatabase) => void): void {
    this.#routable = check;
  }

  /** Throws when a routed query must not run on `db` (see `checkRoutable`); a no-op after the first success. */
  assertRoutable(db: AnyPgDatabase): void {
    if (this.#routableChecked) return;
    this.#routable?.(db);
    this.#routableChecked = true;
  }

  /** Closes what the router opened; databases and handles from the caller stay open. */
  async close(): Promise<void> {
    const opening = this.#opening;
    if (opening !== undefined) await opening.catch(() => undefined);
    await this.#owned?.close();
  }

  async #open(): Promise<AnyPgDatabase> {
    try {
      const handle = await connect(this.#url as string, this.#connectOptions);
      this.#owned = handle;
      this.#db = handle.db as AnyPgDatabase;
      return this.#db;
    } catch (error) {
      this.#opening = undefined;
      throw error;
    }
  }
}
