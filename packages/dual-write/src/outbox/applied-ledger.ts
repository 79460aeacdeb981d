import {
  type AnyPgDatabase,
  describeError,
  MultiDbError,
  quoteIdentifier,
  quoteQualified,
} from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import type { ChangeUnit } from '../apply/change.js';
import { runReusable } from '../apply/run-query.js';
import { backupOutboxDdl, backupTableDdl, type OutboxNames, qualified, runDdl } from './outbox-schema.js';
import type { EntryChange } from './outbox-units.js';

/**
 * The backup's record of the outbox units it has committed, written in the SAME backup transaction as their rows.
 *
 * Why: the drainer deletes applied entries from the primary's outbox only after the backup committed, so a crash
 * (or a lost connection, or a client-side timeout that fires while COMMIT is already on its way) between the two
 * leaves units that the backup holds but the outbox still lists. Applying them again is not harmless: the backup
 * has meanwhile run what came after them: a transaction that inserted a child of a parent a later unit deleted
 * fails its foreign key and is dead-lettered, and its other rows stay at the older state that the replay of earlier
 * units wrote back (a lost update).
 * With the ledger the next round sees which units the backup already holds, deletes them from the outbox and
 * applies only the rest: every unit reaches the backup exactly once.
 *
 * A unit is keyed by its id (its last outbox entry id) and its primary transaction id, so an outbox whose ids
 * started again (a recreated table) can never match an old record. Records are pruned in the apply transactions
 * that follow: those of units known to be gone from the outbox, and any older than a day.
 */
export interface LedgerKey {
  readonly unitId: number;
  readonly txId: string;
}

export function ledgerKey(unit: ChangeUnit<string>): LedgerKey {
  const first = unit.changes[0] as EntryChange | undefined;
  if (first?.entry === undefined) {
    throw new MultiDbError('InvalidOptions', 'an outbox unit without outbox entries cannot be recorded', {
      unit: unit.id,
    });
  }
  return { unitId: unit.id, txId: first.entry.txId };
}

const bigintArray = (values: readonly (number | string)[]): SQL => sql`${`{${values.join(',')}}`}::bigint[]`;

export interface RecordOptions {
  readonly names: OutboxNames;
  /** The drainer's epoch: when set, the statement first raises the backup's fence (see `json-target.ts`). */
  readonly epoch: number | undefined;
  readonly units: readonly ChangeUnit<string>[];
  /** Units whose entries are gone from the outbox: their records are deleted. */
  readonly prune: readonly LedgerKey[];
}

/**
 * One statement for the start of a backup transaction: raise the fence to this drainer's epoch (no row back when a
 * newer drainer holds it), record `units`, prune old records. Nothing is recorded or pruned when fenced out.
 */
export function fenceAndRecord(options: RecordOptions): SQL {
  const { names, epoch, units, prune } = options;
  const keys = units.map(ledgerKey);
  const fence =
    epoch === undefined
      ? sql`select 0::bigint as epoch`
      : sql`insert into ${qualified(names, 'fence')} as f (id, epoch) values (1, ${epoch}) on conflict (id) do update
      set epoch = excluded.epoch where f.epoch <= excluded.epoch returning f.epoch`;
  const applied = qualified(names, 'applied');
  return sql`with f as (${fence}),
    p as (delete from ${applied} where exists (select 1 from f) and (
      applied_at < now() - interval '1 day'
      or (unit_id, tx_id) in (select * from unnest(${bigintArray(prune.map((k) => k.unitId))}, ${bigintArray(prune.map((k) => k.txId))})))),
    r as (insert into ${applied} (unit_id, tx_id)
      select * from unnest(${bigintArray(keys.map((k) => k.unitId))}, ${bigintArray(keys.map((k) => k.txId))})
      where exists (select 1 from f)
      on conflict do nothing)
    select epoch::text as epoch from f`;
}

/** The units of `units` the backup has already committed (their records are in the ledger). */
export async function alreadyApplied(
  backup: AnyPgDatabase,
  names: OutboxNames,
  units: readonly ChangeUnit<string>[],
): Promise<ChangeUnit<string>[]> {
  if (units.length === 0) return [];
  const keys = units.map(ledgerKey);
  const rows = await runReusable<{ unit_id: string; tx_id: string }>(
    backup,
    sql`select unit_id::text as unit_id, tx_id::text as tx_id from ${qualified(names, 'applied')}
      where unit_id = any(${bigintArray(keys.map((k) => k.unitId))})`,
  );
  const found = new Set(rows.map((row) => `${row.unit_id}:${row.tx_id}`));
  return units.filter((_, i) => {
    const key = keys[i] as LedgerKey;
    return found.has(`${key.unitId}:${key.txId}`);
  });
}

/**
 * Makes sure the backup has the fence and the ledger (a backup set up by an earlier version has no ledger): what
 * is missing is created. A role that may not create them gets `OutboxNotReady` naming what to run; nothing is
 * applied (or dead-lettered) until then, the outbox keeps every entry.
 */
export async function prepareBackup(backup: AnyPgDatabase, names: OutboxNames): Promise<void> {
  const [row] = await runReusable<{ schema: string | null; fence: string | null; applied: string | null }>(
    backup,
    sql`select to_regnamespace(${quoteIdentifier(names.schema)})::text as schema,
      to_regclass(${quoteQualified(names.schema, names.fence)})::text as fence,
      to_regclass(${quoteQualified(names.schema, names.applied)})::text as applied`,
  );
  if (row?.fence != null && row.applied != null) return;
  try {
    await runDdl(backup, row?.schema == null ? backupOutboxDdl(names) : backupTableDdl(names));
  } catch (error) {
    const missing = [
      row?.fence == null ? names.fence : undefined,
      row?.applied == null ? names.applied : undefined,
    ]
      .filter((name) => name !== undefined)
      .map((name) => `${names.schema}.${name}`);
    throw new MultiDbError(
      'OutboxNotReady',
      `the backup has no ${missing.join(' or ')} and could not create it (${describeError(error)}): run ensureOutbox(primary, { backup }) or the statements of backupOutboxDdl() on the backup as a role that may`,
      { missing, schema: names.schema },
      { cause: error },
    );
  }
}
