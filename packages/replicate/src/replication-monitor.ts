import { describeError } from '@multidb/config';
import { replicationStatus, type StatusOptions } from './replication-status.js';
import type { ReplicationStatus } from './replication-types.js';

export interface ReplicationMonitorOptions extends StatusOptions {
  /** ms between status reads. Default 5000. */
  readonly intervalMs?: number;
}

/** The last status read, with when it was read (ms since the epoch). */
export type ReplicationReadingAt = ReplicationStatus & { readonly readAt: number };

/**
 * Reads `replicationStatus` in the background every `intervalMs` so health endpoints and Prometheus scrapes get
 * it synchronously (`latest()`): pass the monitor as `backup.replication` to the router's `createHealthHandler`
 * and `prometheusMetrics`. A read that fails becomes an unhealthy reading with the error as its warning; reads
 * never overlap, run on an unref'd timer (they never keep the process alive) and stop with `stop()`.
 */
export class ReplicationMonitor {
  readonly #options: ReplicationMonitorOptions;
  #latest: ReplicationReadingAt | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #stopped = false;

  constructor(options: ReplicationMonitorOptions) {
    this.#options = options;
  }

  /** Starts the reads (the first one now); resolves after the first. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.refresh();
    this.#schedule();
  }

  latest(): ReplicationReadingAt | undefined {
    return this.#latest;
  }

  /** One read now (joins a read in progress). */
  refresh(): Promise<void> {
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#reading;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.refresh().then(() => this.#schedule());
    }, this.#options.intervalMs ?? 5000);
    this.#timer.unref?.();
  }

  async #read(): Promise<void> {
    let message: string;
    try {
      const status = await replicationStatus(this.#options);
      if (status.isOk()) {
        this.#latest = { ...status.value, readAt: Date.now() };
        return;
      }
      message = status.error.message;
    } catch (error) {
      message = describeError(error);
    }
    this.#latest = unhealthy(this.#latest, message, Date.now());
  }
}

function unhealthy(
  previous: ReplicationReadingAt | undefined,
  message: string,
  readAt: number,
): ReplicationReadingAt {
  return {
    name: previous?.name ?? '',
    subscribed: previous?.subscribed ?? false,
    enabled: previous?.enabled ?? false,
    tables: previous?.tables ?? [],
    lagBytes: undefined,
    lagMs: undefined,
    lastMessageAgeMs: undefined,
    slot: undefined,
    applyErrors: previous?.applyErrors ?? 0,
    syncErrors: previous?.syncErrors ?? 0,
    warnings: [`status could not be read: ${message}`],
    healthy: false,
    readAt,
  };
}
