import { describeError, quoteIdentifier } from '@multidb/config';
import { sql } from 'drizzle-orm';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import { closeSides, openSide, type Side, settleOptions } from './replication-sides.js';
import type { ReplicationError, ReplicationOptions, TeardownReport } from './replication-types.js';

/**
 * Undoes `setupReplication`: the subscription on the backup (and with it its slot on the primary), the
 * publication, and a slot left behind. With the primary unreachable, the subscription is detached from its slot
 * and dropped (the backup stops depending on the primary); the slot and publication are reported as left on the
 * primary — run teardown again once it is back, or the slot keeps WAL there. The backup's tables and rows stay.
 */
export function teardownReplication(
  options: ReplicationOptions,
): ResultAsync<TeardownReport, ReplicationError> {
  return new ResultAsync(run(options));
}

async function run(options: ReplicationOptions): Promise<Result<TeardownReport, ReplicationError>> {
  const settled = settleOptions(options);
  if (settled.isErr()) return err(settled.error);
  const name = settled.value.name;
  const backup = await openSide(options.backup, 'backup');
  const primary = await openSide(options.primary, 'primary');
  if (backup.isErr() && primary.isErr()) return err(backup.error);
  try {
    let subscriptionDropped = false;
    let slotDropped = false;
    if (backup.isOk()) {
      const dropped = await dropSubscription(backup.value, name, primary.isOk());
      subscriptionDropped = dropped.dropped;
      slotDropped = dropped.slotDropped;
    }
    const leftOnPrimary: string[] = [];
    let publicationDropped = false;
    if (primary.isOk()) {
      const [state] = await primary.value.rows<{
        publication: boolean;
        slot: boolean;
        active: boolean;
      }>(sql`select
          exists(select 1 from pg_publication where pubname = ${name}) as publication,
          exists(select 1 from pg_replication_slots where slot_name = ${name}) as slot,
          coalesce((select active from pg_replication_slots where slot_name = ${name}), false) as active`);
      if (state?.publication) {
        await primary.value.rows(`drop publication ${quoteIdentifier(name)}`);
        publicationDropped = true;
      }
      if (state?.slot) {
        if (state.active) leftOnPrimary.push(`slot ${name} (still in use by a subscriber)`);
        else {
          await primary.value.rows(sql`select pg_drop_replication_slot(${name})`);
          slotDropped = true;
        }
      }
    } else {
      leftOnPrimary.push(`publication ${name} and slot ${name}, if they exist (primary unreachable)`);
    }
    return ok({ subscriptionDropped, publicationDropped, slotDropped, leftOnPrimary });
  } catch (error) {
    return err({
      type: 'StatementFailed',
      side: 'backup',
      message: `teardown failed: ${describeError(error)}`,
    });
  } finally {
    await closeSides(backup.isOk() ? backup.value : undefined, primary.isOk() ? primary.value : undefined);
  }
}

async function dropSubscription(
  backup: Side,
  name: string,
  primaryReachable: boolean,
): Promise<{ dropped: boolean; slotDropped: boolean }> {
  const [sub] = await backup.rows<{ slot: string | null }>(
    sql`select subslotname::text as slot from pg_subscription where subname = ${name}`,
  );
  if (sub === undefined) return { dropped: false, slotDropped: false };
  const quoted = quoteIdentifier(name);
  if (primaryReachable && sub.slot !== null) {
    try {
      // Stops the workers, then drops the slot on the primary through the subscription's own connection.
      await backup.rows(`drop subscription ${quoted}`);
      return { dropped: true, slotDropped: true };
    } catch {
      // The backup cannot reach the primary although we can: detach instead (below).
    }
  }
  await backup.rows(`alter subscription ${quoted} disable`);
  await backup.rows(`alter subscription ${quoted} set (slot_name = none)`);
  await backup.rows(`drop subscription ${quoted}`);
  return { dropped: true, slotDropped: false };
}
