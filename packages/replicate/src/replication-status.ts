import { sql } from 'drizzle-orm';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import { closeSides, openSide, type Side, settleOptions } from './replication-sides.js';
import type {
  ReplicationError,
  ReplicationOptions,
  ReplicationStatus,
  TableSyncState,
} from './replication-types.js';

const STATES: Readonly<Record<string, TableSyncState>> = {
  i: 'init',
  d: 'data-copy',
  f: 'finished-copy',
  s: 'synchronized',
  r: 'ready',
};

export interface StatusOptions extends ReplicationOptions {
  /** Warn when the slot holds back more WAL than this many bytes. Default 1 GiB. */
  readonly maxRetainedBytes?: number;
  /** Warn when the backup has not heard from the primary for this long, in ms. Default 60 000. */
  readonly maxSilenceMs?: number;
}

/**
 * How the backup's replication is doing: each table's state, lag in bytes (from the slot) and time (the
 * walsender's `replay_lag`), errors counted by `pg_stat_subscription_stats`, and the WAL the slot holds back on the
 * primary, with warnings before `max_slot_wal_keep_size` would invalidate it. Works with the primary down (the
 * backup's side only, and a warning).
 */
export function replicationStatus(options: StatusOptions): ResultAsync<ReplicationStatus, ReplicationError> {
  return new ResultAsync(run(options));
}

async function run(options: StatusOptions): Promise<Result<ReplicationStatus, ReplicationError>> {
  const settled = settleOptions(options);
  if (settled.isErr()) return err(settled.error);
  const name = settled.value.name;
  const backup = await openSide(options.backup, 'backup');
  if (backup.isErr()) return err(backup.error);
  const primary = await openSide(options.primary, 'primary');
  try {
    const warnings: string[] = [];
    const sub = await subscriptionSide(backup.value, name);
    if (!sub.subscribed) warnings.push(`no subscription ${name} on the backup: replication is not set up`);
    else if (!sub.enabled) warnings.push(`subscription ${name} is disabled`);
    const notReady = sub.tables.filter((t) => t.state !== 'ready');
    if (notReady.length > 0) {
      warnings.push(
        `${notReady.length} table(s) not ready: ${notReady.map((t) => `${t.table} (${t.state})`).join(', ')}`,
      );
    }
    if (sub.applyErrors > 0 || sub.syncErrors > 0) {
      warnings.push(
        `${sub.applyErrors} apply error(s), ${sub.syncErrors} initial-copy error(s) on the backup (see its server log; the worker retries)`,
      );
    }
    const silence = options.maxSilenceMs ?? 60_000;
    if (sub.lastMessageAgeMs !== undefined && sub.lastMessageAgeMs > silence) {
      warnings.push(
        `the backup has not heard from the primary for ${Math.round(sub.lastMessageAgeMs / 1000)} s`,
      );
    }
    let slotSide: Awaited<ReturnType<typeof primarySide>> | undefined;
    if (primary.isErr()) warnings.push(`${primary.error.message}: lag and slot unknown`);
    else {
      slotSide = await primarySide(primary.value, name);
      const slot = slotSide.slot;
      if (slot === undefined) {
        if (sub.subscribed) warnings.push(`replication slot ${name} is missing on the primary`);
      } else {
        if (!slot.active && sub.subscribed && sub.enabled)
          warnings.push(`replication slot ${name} is not in use`);
        if (slot.walStatus === 'lost') {
          warnings.push(
            `replication slot ${name} lost WAL it needed: the backup must be set up again (teardown, setup)`,
          );
        } else if (slot.walStatus === 'unreserved') {
          warnings.push(`replication slot ${name} is about to lose WAL (max_slot_wal_keep_size reached)`);
        }
        const limit = options.maxRetainedBytes ?? 1024 ** 3;
        if (slot.retainedBytes > limit) {
          warnings.push(
            `the slot holds ${formatBytes(slot.retainedBytes)} of WAL on the primary${slot.safeWalBytes === null ? ' (max_slot_wal_keep_size is unlimited: the primary disk fills while the backup is away)' : ''}`,
          );
        }
        if (slot.safeWalBytes !== null && slot.safeWalBytes < slot.retainedBytes / 4) {
          warnings.push(
            `only ${formatBytes(slot.safeWalBytes)} left before max_slot_wal_keep_size invalidates the slot`,
          );
        }
      }
    }
    return ok({
      name,
      ...sub,
      lagBytes: slotSide?.lagBytes,
      lagMs: slotSide?.lagMs,
      slot: slotSide?.slot,
      warnings,
      healthy: warnings.length === 0,
    });
  } catch (error) {
    return err({
      type: 'StatementFailed',
      side: 'backup',
      message: `could not read the replication status: ${error instanceof Error ? error.message : String(error)}`,
    });
  } finally {
    await closeSides(backup.value, primary.isOk() ? primary.value : undefined);
  }
}

async function subscriptionSide(backup: Side, name: string) {
  const [sub] = await backup.rows<{
    enabled: boolean;
    age_ms: number | null;
  }>(sql`select s.subenabled as enabled,
      (select (extract(epoch from clock_timestamp() - max(st.last_msg_receipt_time)) * 1000)::float8
         from pg_stat_subscription st where st.subid = s.oid) as age_ms
    from pg_subscription s where s.subname = ${name}`);
  const tables = await backup.rows<{ table: string; state: string }>(sql`select
      format('%s.%s', n.nspname, c.relname) as "table", r.srsubstate::text as state
    from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid
    join pg_class c on c.oid = r.srrelid join pg_namespace n on n.oid = c.relnamespace
    where s.subname = ${name} order by 1`);
  const [stats] = await backup.rows<{
    apply: number;
    sync: number;
  }>(sql`select apply_error_count::int as apply,
      sync_error_count::int as sync from pg_stat_subscription_stats where subname = ${name}`);
  return {
    subscribed: sub !== undefined,
    enabled: sub?.enabled === true,
    tables: tables.map((t) => ({ table: t.table, state: STATES[t.state] ?? ('unknown' as const) })),
    lastMessageAgeMs: sub?.age_ms === null || sub?.age_ms === undefined ? undefined : Number(sub.age_ms),
    applyErrors: Number(stats?.apply ?? 0),
    syncErrors: Number(stats?.sync ?? 0),
  };
}

async function primarySide(primary: Side, name: string) {
  const [slot] = await primary.rows<{
    active: boolean;
    wal_status: string | null;
    retained: string;
    safe: string | null;
    lag: string | null;
  }>(sql`select active, wal_status,
      pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text as retained,
      safe_wal_size::text as safe,
      pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text as lag
    from pg_replication_slots where slot_name = ${name}`);
  const [sender] = await primary.rows<{ ms: number | null }>(sql`select
      (extract(epoch from replay_lag) * 1000)::float8 as ms
    from pg_stat_replication where application_name = ${name} limit 1`);
  return {
    slot:
      slot === undefined
        ? undefined
        : {
            active: slot.active,
            walStatus: slot.wal_status,
            retainedBytes: Number(slot.retained ?? 0),
            safeWalBytes: slot.safe === null ? null : Number(slot.safe),
          },
    lagBytes: slot?.lag === null || slot?.lag === undefined ? undefined : Number(slot.lag),
    lagMs: sender?.ms === null || sender?.ms === undefined ? undefined : Number(sender.ms),
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
