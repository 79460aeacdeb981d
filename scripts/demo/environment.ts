import type { DbHandle } from '@multidb/config';
import type { ExampleLayout, PrimarySchema } from '@multidb/example-app';
import type { ReplicaSpec } from '@multidb/router';
import type { MigrationReport, SplitClients } from '@multidb/split-schema';

/** PRIMARY and DATA handles, typed by the split layout (each side's tables and relations). */
export type DemoClients = SplitClients<ExampleLayout['primary']['schema'], ExampleLayout['data']['schema']>;

/** A read replica of the demo and the faults the story injects into it. */
export interface DemoReplica {
  /** What the router is given (name, intents, role, database, position source). */
  readonly spec: ReplicaSpec;
  /** The node refuses connections (queries and health probes fail) until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops applying the primary's changes (like `pg_wal_replay_pause()`); they keep arriving. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
}

/** The backup database that dual-write feeds, and its outage switch. */
export interface DemoBackup {
  readonly handle: DbHandle<PrimarySchema>;
  /** The backup goes away: every query fails like a server that is down. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Where the story runs: the embedded default (PGlite in ./.demo-data) or real PostgreSQL clusters (`--pg`). Both
 * give the same shape, so every step runs the same code on both.
 */
export interface DemoEnvironment {
  readonly mode: 'pglite' | 'postgres';
  /** One line for the narration, no connection string. */
  readonly description: string;
  /** PRIMARY (config + customer) and DATA (workspace + reference), split, migrated. */
  readonly clients: DemoClients;
  readonly backup: DemoBackup;
  readonly replicas: readonly DemoReplica[];
  /** Migration reports of PRIMARY + DATA, and of the backup (PRIMARY's migrations). */
  readonly migrations: { readonly split: MigrationReport; readonly backup: MigrationReport };
  /** A new, empty database with the PRIMARY schema migrated: the target of `syncBackup`. Caller closes it. */
  createFreshBackup(): Promise<DbHandle<PrimarySchema>>;
  /** Strings that must never appear in the output (passwords). */
  readonly secrets: readonly string[];
  close(): Promise<void>;
}
