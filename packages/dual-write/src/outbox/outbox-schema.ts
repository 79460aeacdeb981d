import { type AnyPgDatabase, MultiDbError, quoteIdentifier } from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import { errorCode } from '../apply/error-kind.js';

/** Where the dual-write bookkeeping lives: a schema of its own (default `multidb`). */
export interface OutboxNames {
  readonly schema: string;
  readonly outbox: string;
  readonly deadLetter: string;
  /** Sequence on the primary: a new epoch per drainer leadership, for fencing. */
  readonly epoch: string;
  /** One-row table on the BACKUP holding the highest epoch that wrote to it. */
  readonly fence: string;
  /** Table on the BACKUP recording the outbox units it committed (see `applied-ledger.ts`). */
  readonly applied: string;
}

export const DEFAULT_OUTBOX_SCHEMA = 'multidb';

export function outboxNames(schema: string = DEFAULT_OUTBOX_SCHEMA): OutboxNames {
  if (!/^[a-z_][a-z0-9_$]{0,62}$/i.test(schema)) {
    throw new MultiDbError('InvalidConfig', `invalid outbox schema name ${JSON.stringify(schema)}`);
  }
  return Object.freeze({
    schema,
    outbox: 'dual_write_outbox',
    deadLetter: 'dual_write_dead_letter',
    epoch: 'dual_write_epoch',
    fence: 'dual_write_fence',
    applied: 'dual_write_applied',
  });
}

export function qualified(
  names: OutboxNames,
  which: 'outbox' | 'deadLetter' | 'epoch' | 'fence' | 'applied',
): SQL {
  return sql`${sql.identifier(names.schema)}.${sql.identifier(names[which])}`;
}

/** DDL for the primary: outbox, dead letters, epoch sequence. Idempotent; usable as a drizzle-kit custom migration. */
export function primaryOutboxDdl(names: OutboxNames = outboxNames()): string[] {
  const s = quoteIdentifier(names.schema);
  return [
    `create schema if not exists ${s}`,
    `create table if not exists ${s}.${quoteIdentifier(names.outbox)} (
      id bigserial primary key,
      tx_id bigint not null default txid_current(),
      table_name text not null,
      op text not null check (op in ('upsert', 'delete')),
      entity_key text not null,
      row_data jsonb not null,
      created_at timestamptz not null default clock_timestamp()
    )`,
    `create table if not exists ${s}.${quoteIdentifier(names.deadLetter)} (
      id bigserial primary key,
      source text not null,
      table_name text not null,
      entity_keys jsonb not null,
      row_data jsonb,
      error text not null,
      code text,
      attempts integer not null,
      failed_at timestamptz not null default now()
    )`,
    `create index if not exists ${quoteIdentifier(`${names.outbox}_tx_id`)} on ${s}.${quoteIdentifier(names.outbox)} (tx_id)`,
    `create sequence if not exists ${s}.${quoteIdentifier(names.epoch)}`,
  ];
}

/**
 * DDL for the backup: the fencing row that keeps a deposed drainer from writing stale rows, and the ledger of
 * applied outbox units that keeps a restarted drainer from applying a unit twice.
 */
export function backupOutboxDdl(names: OutboxNames = outboxNames()): string[] {
  const s = quoteIdentifier(names.schema);
  return [`create schema if not exists ${s}`, ...backupTableDdl(names)];
}

/** The backup's tables alone (for a backup whose schema exists: no database-level privilege needed). */
export function backupTableDdl(names: OutboxNames): string[] {
  const s = quoteIdentifier(names.schema);
  return [
    `create table if not exists ${s}.${quoteIdentifier(names.fence)} (id integer primary key, epoch bigint not null)`,
    `create table if not exists ${s}.${quoteIdentifier(names.applied)} (
      batch_id text primary key,
      unit_ids bigint[] not null,
      tx_ids bigint[] not null,
      applied_at timestamptz not null default now()
    )`,
  ];
}

export interface EnsureOutboxOptions {
  readonly schema?: string;
  /** Also create the fencing table on the backup (needed by the durable drainer). */
  readonly backup?: AnyPgDatabase;
}

/** Creates the outbox tables (idempotent, safe to run from several processes at once). */
export async function ensureOutbox(
  primary: AnyPgDatabase,
  options: EnsureOutboxOptions = {},
): Promise<OutboxNames> {
  const names = outboxNames(options.schema);
  await runDdl(primary, primaryOutboxDdl(names));
  if (options.backup) await runDdl(options.backup, backupOutboxDdl(names));
  return names;
}

export async function runDdl(db: AnyPgDatabase, statements: readonly string[]): Promise<void> {
  for (const statement of statements) {
    try {
      await db.execute(sql.raw(statement));
    } catch (error) {
      // `if not exists` still races on the catalog's unique index when two processes create at once.
      if (errorCode(error) !== '23505') throw error;
      await db.execute(sql.raw(statement));
    }
  }
}
