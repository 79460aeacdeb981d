import { type AnyPgDatabase, isMultiDbError, MultiDbError } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { BackupTarget } from '../apply/change.js';
import { jsonRowsTarget } from '../apply/json-rows-target.js';
import { runReusable } from '../apply/run-query.js';
import { type OutboxNames, qualified } from './outbox-schema.js';

export interface JsonTargetOptions {
  readonly names: OutboxNames;
  /** The drainer's leadership epoch; every backup transaction checks it against the fence first. */
  readonly epoch: () => number | undefined;
  readonly statementTimeoutMs?: number;
}

/**
 * Durable mode: the outbox rows (the primary's own exact texts, never parsed in JS) applied like memory mode's,
 * each backup transaction fenced by the drainer's epoch first.
 */
export function jsonTarget(backup: AnyPgDatabase, options: JsonTargetOptions): BackupTarget<string> {
  return jsonRowsTarget(backup, {
    statementTimeoutMs: options.statementTimeoutMs,
    beforeApply: (tx) => checkFence(tx, options, backup),
  });
}

/**
 * A deposed drainer (its lock session died while it was still applying) must not overwrite what the new leader
 * wrote: the fence row keeps the highest epoch, and a lower one is refused.
 */
async function checkFence(
  tx: AnyPgDatabase,
  options: JsonTargetOptions,
  backup: AnyPgDatabase,
): Promise<void> {
  const epoch = options.epoch();
  if (epoch === undefined) return;
  const fence = qualified(options.names, 'fence');
  const rows = await runReusable(
    tx,
    sql`insert into ${fence} as f (id, epoch) values (1, ${epoch}) on conflict (id) do update
      set epoch = excluded.epoch where f.epoch <= excluded.epoch returning f.epoch`,
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
