import { connect, type DbHandle } from '@multidb/config';
import { createDualWriter, type DualWriter, type DualWriterOptions } from '@multidb/dual-write';
import { type ExampleSchema, relationalOptions, schema } from '@multidb/example-app';
import {
  createDbRouter,
  type DbRouter,
  type HealthOptions,
  type LagOptions,
  type NodeHealthStatus,
  type ReplicaSpec,
} from '@multidb/router';
import { settleWithin, timeUntil } from './wait-for.js';
import type { WorkloadClients } from './workload-ops.js';

export interface ChaosAppOptions {
  readonly primaryUrl: string;
  /** Where dual-write sends the backup's rows (the backup, or a fault proxy in front of it). */
  readonly backupUrl: string;
  readonly replicas?: readonly ReplicaSpec[];
  readonly mode?: 'memory' | 'durable';
  readonly health?: HealthOptions;
  readonly lag?: LagOptions;
  readonly writer?: Partial<Omit<DualWriterOptions, 'backup' | 'primary' | 'mode' | 'schema'>>;
  /** Seconds before a backup connection attempt fails (default 2). */
  readonly backupConnectTimeout?: number;
}

export interface ChaosApp {
  readonly router: DbRouter<ExampleSchema>;
  readonly writer: DualWriter;
  /** What the workload drives: the router's write and transactional clients, and its read intent. */
  readonly clients: WorkloadClients;
  close(): Promise<void>;
}

/**
 * An application instance as a user builds one: a router over primary and replicas whose write and
 * transactional clients carry dual-write capture (`wrapWriteClients`), one writer shared by both.
 */
export async function startChaosApp(options: ChaosAppOptions): Promise<ChaosApp> {
  // The writer's own connections: the unwrapped primary (outbox, drainer, repairs) and the backup.
  const primary: DbHandle<ExampleSchema> = await connect(options.primaryUrl, {
    ...relationalOptions('both'),
    max: 3,
  });
  const backup: DbHandle<ExampleSchema> = await connect(options.backupUrl, {
    ...relationalOptions('both'),
    max: 3,
    connectTimeout: options.backupConnectTimeout ?? 2,
  });
  const writer = createDualWriter({
    backup: backup.db,
    primary: primary.db,
    mode: options.mode ?? 'memory',
    schema,
    drainer: { pollIntervalMs: 100 },
    ...options.writer,
  });
  const router = createDbRouter<ExampleSchema>({
    primary: options.primaryUrl,
    replicas: options.replicas,
    ...relationalOptions('both'),
    health: options.health ?? { intervalMs: 250, timeoutMs: 1000, failuresToDown: 2, successesToUp: 2 },
    lag: options.lag,
    connect: { max: 8, connectTimeout: 2 },
    wrapWriteClients: (db) => writer.wrap(db),
  });
  await router.checkHealth();
  return {
    router,
    writer,
    clients: {
      write: () => router.getClient('write'),
      transaction: (fn) => router.withTransaction(fn),
      read: () => router.getClient('read'),
    },
    async close() {
      // Bounded: a query that never settles (a driver bug) must not hold the whole file's teardown.
      await settleWithin(writer.drain(5_000), 15_000, 'dual-write drain').catch(() => false);
      await router.close();
      await Promise.all([primary.close(), backup.close()]);
    },
  };
}

/**
 * Flushes until everything captured reached the backup; `false` after `timeoutMs`. In durable mode `flush()` is
 * `false` while this process does not lead (yet) and rejects while its primary connection is broken (e.g. just
 * after a primary restart): both are retried.
 */
export async function flushUntilDone(writer: DualWriter, timeoutMs: number): Promise<boolean> {
  const attempt = () => settleWithin(writer.flush(5_000), 15_000, 'dual-write flush').catch(() => false);
  return timeUntil(attempt, 'dual-write flushed', { timeoutMs, everyMs: 100 }).then(
    () => true,
    () => false,
  );
}

/** A new application instance (durable mode) that drains what earlier ones left in the outbox. */
export async function drainWithNewInstance(
  primaryUrl: string,
  backupUrl: string,
): Promise<{ readonly drained: boolean; readonly ms: number }> {
  const instance = await startChaosApp({ primaryUrl, backupUrl, mode: 'durable' });
  const started = performance.now();
  try {
    const drained = await flushUntilDone(instance.writer, 60_000);
    return { drained, ms: performance.now() - started };
  } finally {
    await instance.close();
  }
}

/** One node's health as the router sees it now. */
export function nodeStatus(router: DbRouter<ExampleSchema>, name: string): NodeHealthStatus {
  const node = router.getHealthStatus().nodes.find((n) => n.name === name);
  if (node === undefined) throw new Error(`the router has no node ${name}`);
  return node;
}

export interface BacklogRepair {
  /** Rows that did not fit the bounded queue (memory mode), re-read from the primary by `repairOverflow()`. */
  readonly overflowed: number;
  readonly overflowReread: number;
  /** Rows the backup refused meanwhile (e.g. children of overflowed parents: 23503), re-read by `retryDeadLetters()`. */
  readonly deadLettered: number;
  readonly deadLetterCodes: readonly string[];
  readonly deadLettersReread: number;
  /** Both repairs reached the backup. */
  readonly applied: boolean;
}

/** The operator's part after a long backup outage in memory mode, as documented: overflow, then dead letters. */
export async function repairBacklog(writer: DualWriter): Promise<BacklogRepair> {
  const overflowed = writer.metrics().overflowed;
  const overflow = overflowed > 0 ? await writer.repairOverflow(60_000) : undefined;
  const deadLettered = writer.metrics().deadLettered;
  const deadLetterCodes = [...new Set(writer.deadLetters().map((d) => d.code ?? '?'))];
  const dead = deadLettered > 0 ? await writer.retryDeadLetters(60_000) : undefined;
  return {
    overflowed,
    overflowReread: overflow?.rows ?? 0,
    deadLettered,
    deadLetterCodes,
    deadLettersReread: dead?.rows ?? 0,
    applied: (overflow?.applied ?? true) && (dead?.applied ?? true),
  };
}

/** `12 overflowed the queue (repairOverflow re-read 10), 3 dead-lettered [23503] (retryDeadLetters re-read 3)` */
export function describeBacklog(b: BacklogRepair): string {
  const overflow = `${b.overflowed} overflowed the queue${b.overflowed > 0 ? ` (repairOverflow re-read ${b.overflowReread})` : ''}`;
  const dead = `${b.deadLettered} dead-lettered${b.deadLettered > 0 ? ` [${b.deadLetterCodes.join(', ')}] (retryDeadLetters re-read ${b.deadLettersReread})` : ''}`;
  return `${overflow}, ${dead}`;
}
