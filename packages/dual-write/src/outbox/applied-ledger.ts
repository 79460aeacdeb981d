import { randomUUID } from 'node:crypto';
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
 * units wrote back (a lost update). With the ledger the next round sees which units the backup already holds,
 * deletes them from the outbox and applies only the rest: every unit reaches the backup exactly once.
 *
 * One ledger row per backup transaction (a batch): its id and the arrays of its units' ids (their last outbox
 * entry id) and primary transaction ids, so an outbox whose ids started again (a recreated table) can never match
 * an old record. A row is pruned by the following transactions once all its units are gone from the outbox, or
 * when it is a day old.
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

const keyText = (key: LedgerKey) => `${key.unitId}:${key.txId}`;

const bigintArray = (values: readonly (number | string)[]): SQL => sql`${`{${values.join(',')}}`}::bigint[]`;
const textArray = (values: readonly string[]): SQL => sql`${`{${values.join(',')}}`}::text[]`;

/**
 * The batches of one drain round: which backup transactions recorded which units, so that once the round's applied
 * units are deleted from the outbox exactly the batches all of whose units are gone become prunable (a batch that
 * may have committed while its units are still in the outbox must stay: it is what keeps them from a replay).
 */
export class LedgerBatches {
  #round = new Map<string, readonly LedgerKey[]>();
  #prunable: readonly string[] = [];

  /** A new batch id for a backup transaction applying `units`. */
  open(units: readonly ChangeUnit<string>[]): { id: string; keys: readonly LedgerKey[] } {
    const id = randomUUID();
    const keys = units.map(ledgerKey);
    this.#round.set(id, keys);
    return { id, keys };
  }

  /** Batches the next backup transaction deletes. */
  get prunable(): readonly string[] {
    return this.#prunable;
  }

  /**
   * The round is settled: `removed` (units deleted from the outbox) and the `found` batches of earlier leaders
   * make prunable every batch whose units are all removed. Starts the next round.
   */
  settled(removed: readonly ChangeUnit<string>[], found: readonly FoundBatch[] = []): void {
    const gone = new Set(removed.map((unit) => keyText(ledgerKey(unit))));
    // No backup transaction ran this round: the batches already prunable were not pruned yet.
    const prunable: string[] = this.#round.size === 0 ? [...this.#prunable] : [];
    const all = [...this.#round, ...found.map((b) => [b.id, b.keys] as const)];
    for (const [id, keys] of all) if (keys.every((key) => gone.has(keyText(key)))) prunable.push(id);
    this.#prunable = prunable;
    this.#round = new Map();
  }
}

export interface FoundBatch {
  readonly id: string;
  readonly keys: readonly LedgerKey[];
}

export interface RecordOptions {
  readonly names: OutboxNames;
  /** The drainer's epoch: when set, the statement first raises the backup's fence (see `json-target.ts`). */
  readonly epoch: number | undefined;
  readonly batch: { readonly id: string; readonly keys: readonly LedgerKey[] };
  /** Batches whose units are all gone from the outbox: deleted. */
  readonly prune: readonly string[];
}

/**
 * One statement for the start of a backup transaction: raise the fence to this drainer's epoch (no row back when a
 * newer drainer holds it), record the batch, prune old records. Nothing is recorded or pruned when fenced out.
 */
export function fenceAndRecord(options: RecordOptions): SQL {
  const { names, epoch, batch, prune } = options;
  const fence =
    epoch === undefined
      ? sql`select 0::bigint as epoch`
      : sql`insert into ${qualified(names, 'fence')} as f (id, epoch) values (1, ${epoch}) on conflict (id) do update
      set epoch = excluded.epoch where f.epoch <= excluded.epoch returning f.epoch`;
  const applied = qualified(names, 'applied');
  return sql`with f as (${fence}),
    p as (delete from ${applied} where exists (select 1 from f)
      and (batch_id = any(${textArray(prune)}) or applied_at < now() - interval '1 day')),
    r as (insert into ${applied} (batch_id, unit_ids, tx_ids)
      select ${batch.id}, ${bigintArray(batch.keys.map((k) => k.unitId))}, ${bigintArray(batch.keys.map((k) => k.txId))}
      where exists (select 1 from f))
    select epoch::text as epoch from f`;
}

/**
 * Which of `units` the backup has already committed (their batch is in the ledger), with the batches they were
 * found in (all of each batch's units, for pruning).
 */
export async function alreadyApplied(
  backup: AnyPgDatabase,
  names: OutboxNames,
  units: readonly ChangeUnit<string>[],
): Promise<{ units: ChangeUnit<string>[]; batches: FoundBatch[] }> {
  if (units.length === 0) return { units: [], batches: [] };
  const keys = units.map(ledgerKey);
  const rows = await runReusable<{ batch_id: string; unit_ids: string; tx_ids: string }>(
    backup,
    sql`select batch_id, unit_ids::text as unit_ids, tx_ids::text as tx_ids from ${qualified(names, 'applied')}
      where unit_ids && ${bigintArray(keys.map((k) => k.unitId))}`,
  );
  const batches = rows.map((row) => {
    const unitIds = parseBigintArray(row.unit_ids);
    const txIds = parseBigintArray(row.tx_ids);
    return {
      id: String(row.batch_id),
      keys: unitIds.map((unitId, i) => ({ unitId: Number(unitId), txId: txIds[i] as string })),
    };
  });
  const found = new Set(batches.flatMap((b) => b.keys.map(keyText)));
  return { units: units.filter((_, i) => found.has(keyText(keys[i] as LedgerKey))), batches };
}

/** `{1,2,3}` (a bigint[] as text) to its elements as decimal texts. */
function parseBigintArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',');
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
