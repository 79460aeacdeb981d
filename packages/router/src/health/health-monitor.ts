import type { Clock } from '@multidb/config';
import { LagTracker } from '../lag/lag-tracker.js';
import type { ReplicationSample } from '../lag/position-source.js';
import type { RouterNode } from '../nodes/router-node.js';
import type { SettledHealthOptions } from '../router/router-options.js';
import type { HealthLog } from './health-log.js';

const PRIMARY_LAG = Object.freeze({ state: 'primary', bytes: 0, seconds: 0 } as const);
const STILL_RUNNING = Object.assign(new Error('previous probe has not answered yet'), {
  code: 'PROBE_TIMEOUT',
});

/**
 * Probes every node (the primary first, then the replicas in parallel, so lag is measured against a fresh
 * primary position) on an unref'd timer, with a timeout per probe. Node health applies the hysteresis; the
 * router learns about changes through `onRound`.
 */
export class HealthMonitor {
  readonly #nodes: readonly RouterNode[];
  readonly #options: SettledHealthOptions;
  readonly #clock: Clock;
  readonly #lag: LagTracker;
  readonly #onRound: () => void;
  readonly #log: HealthLog;
  readonly #inFlight = new Map<RouterNode, Promise<ReplicationSample>>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;
  #lastRoundAt: number | undefined;
  #firstRoundDone = false;
  readonly #firstRound: Promise<void>;
  #resolveFirstRound: () => void = () => {};

  constructor(
    nodes: readonly RouterNode[],
    options: SettledHealthOptions,
    clock: Clock,
    log: HealthLog,
    onRound: () => void,
  ) {
    this.#log = log;
    this.#nodes = nodes;
    this.#options = options;
    this.#clock = clock;
    this.#onRound = onRound;
    // Three missed primary probes make every lag unknown.
    this.#lag = new LagTracker(3 * options.intervalMs + options.timeoutMs);
    this.#firstRound = new Promise<void>((resolve) => {
      this.#resolveFirstRound = resolve;
    });
  }

  /**
   * Settles once every node has had its first probe (answered, failed or timed out): before it, replicas have no
   * known lag and reads would all go to the primary. `undefined` once that happened, or when nothing probes on
   * its own (`background: false`).
   */
  get warming(): Promise<void> | undefined {
    if (this.#firstRoundDone || !this.#options.background || this.#stopped) return undefined;
    return this.#firstRound;
  }

  /** Resolves `true` once the first round is done, `false` if `timeoutMs` passed first. */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.#firstRoundDone) return true;
    if (!this.#options.background && this.#lastRoundAt === undefined) await this.checkNow();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.#firstRound.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  get lastRoundAt(): number | undefined {
    return this.#lastRoundAt;
  }

  /** Starts the background loop (first round right away). */
  start(): void {
    if (this.#options.background && !this.#stopped) this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    this.#resolveFirstRound();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Runs a full round now (after any round in progress) and resolves when it is done. */
  checkNow(): Promise<void> {
    this.#running = this.#running.catch(() => undefined).then(() => this.#round());
    return this.#running;
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.checkNow().finally(() => {
        if (!this.#stopped) this.#schedule(this.#options.intervalMs);
      });
    }, delay);
    this.#timer.unref();
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    const [primary, ...others] = this.#nodes as [RouterNode, ...RouterNode[]];
    const sample = await this.#probe(primary);
    if (sample !== undefined) this.#recovery(primary, sample.role === 'standby');
    if (sample?.role === 'primary') {
      this.#lag.recordPrimary(this.#clock.now(), sample.writePosition);
      primary.position = sample.insertPosition;
      primary.lag = PRIMARY_LAG;
    }
    await Promise.all(
      others.map(async (node) => {
        const replica = await this.#probe(node);
        if (replica === undefined) {
          node.lag = { state: 'unknown', bytes: null, seconds: null };
          return;
        }
        this.#recovery(node, replica.role === 'standby');
        node.position = replica.role === 'standby' ? replica.replayPosition : undefined;
        node.lag = this.#lag.estimate(this.#clock.now(), replica);
      }),
    );
    this.#lastRoundAt = this.#clock.now();
    this.#onRound();
    if (!this.#firstRoundDone) {
      this.#firstRoundDone = true;
      this.#resolveFirstRound();
    }
  }

  async #probe(node: RouterNode): Promise<ReplicationSample | undefined> {
    const start = this.#clock.now();
    try {
      const sample = await this.#withTimeout(node);
      if (node.health.recordProbeSuccess(this.#clock.now(), this.#clock.now() - start)) this.#log.up(node);
      return sample;
    } catch (error) {
      if (node.health.recordFailure(this.#clock.now(), error, true)) this.#log.down(node, 'probe');
      return undefined;
    }
  }

  #recovery(node: RouterNode, inRecovery: boolean): void {
    this.#log.recovery(node, node.inRecovery, inRecovery);
    node.inRecovery = inRecovery;
  }

  /**
   * A probe that is still running from an earlier round counts as failed; it is never stacked. The timeout starts
   * once the node is open: opening a URL node (importing its driver on first use, starting PGlite) is bounded by
   * the connection's own timeouts, not by the probe's.
   */
  #withTimeout(node: RouterNode): Promise<ReplicationSample> {
    if (this.#inFlight.has(node)) return Promise.reject(STILL_RUNNING);
    const opened = Promise.resolve().then(() => node.database());
    const probe = opened.then(() => node.positionSource.sample());
    this.#inFlight.set(node, probe);
    probe.then(
      () => this.#inFlight.delete(node),
      () => this.#inFlight.delete(node),
    );
    return opened.then(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const ms = this.#options.timeoutMs;
          reject(Object.assign(new Error(`probe timed out after ${ms} ms`), { code: 'PROBE_TIMEOUT' }));
        }, this.#options.timeoutMs);
        timer.unref();
      });
      return Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
    });
  }
}
