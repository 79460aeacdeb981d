import { type AnyPgDatabase, isMultiDbError, MultiDbError } from '@multidb/config';
import type { BackupTarget, ChangeUnit } from '../apply/change.js';
import { jsonRowsTarget } from '../apply/json-rows-target.js';
import { runReusable } from '../apply/run-query.js';
import { fenceAndRecord, type LedgerBatches } from './applied-ledger.js';
import type { OutboxNames } from './outbox-schema.js';

export interface JsonTargetOptions {
  readonly names: OutboxNames;
  /** The drainer's leadership epoch; every backup transaction checks it against the fence first. */
  readonly epoch: () => number | undefined;
  /** The drainer's batches in the backup's ledger of applied units: each transaction opens one. */
  readonly ledger: LedgerBatches;
  readonly statementTimeoutMs?: number;
}

/**
 * Durable mode: the outbox rows (the primary's own exact texts, never parsed in JS) applied like memory mode's.
 * Each backup transaction first checks the drainer's epoch against the fence and records its units in the
 * backup's ledger of applied units (see `applied-ledger.ts`), in one statement.
 */
export function jsonTarget(backup: AnyPgDatabase, options: JsonTargetOptions): BackupTarget<string> {
  return jsonRowsTarget(backup, {
    statementTimeoutMs: options.statementTimeoutMs,
    beforeApply: (tx, units) => fenceAndRecordUnits(tx, options, backup, units),
  });
}

/**
 * A deposed drainer (its lock session died while it was still applying) must not overwrite what the new leader
 * wrote: the fence row keeps the highest epoch, and a lower one is refused.
 */
async function fenceAndRecordUnits(
  tx: AnyPgDatabase,
  options: JsonTargetOptions,
  backup: AnyPgDatabase,
  units: readonly ChangeUnit<string>[],
): Promise<void> {
  const epoch = options.epoch();
  const rows = await runReusable(
    tx,
    fenceAndRecord({
      names: options.names,
      epoch,
      batch: options.ledger.open(units),
      prune: options.ledger.prunable,
    }),
    backup,
  );
  if (rows.length === 0) {
    throw new MultiDbError('FencedOut', `drainer epoch ${epoch} was superseded by a newer drainer`, {
      epoch,
    });
  }
}

export function isFencedOut(error: unknown): boolean {
  return isMultiDbError(error, 'FencedOut');
}
