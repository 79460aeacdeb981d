import { describeError, quoteIdentifier, quoteLiteral } from '@multidb/config';
import { sql } from 'drizzle-orm';
import { type PublishedTable, readCatalogs, schemaDifferences, selectPublished } from './published-tables.js';
import type { Settled, Side } from './replication-sides.js';
import type { ReplicationProblem } from './replication-types.js';

export interface PreflightResult {
  readonly problems: readonly ReplicationProblem[];
  readonly tables: readonly PublishedTable[];
  /** The published tables that already hold rows on the backup. */
  readonly nonEmpty: readonly string[];
}

interface PrimaryFacts extends Record<string, unknown> {
  wal_level: string;
  max_slots: number;
  used_slots: number;
  max_senders: number;
  used_senders: number;
  superuser: boolean;
  replication: boolean;
  role: string;
  has_publication: boolean;
  has_slot: boolean;
}

interface BackupFacts extends Record<string, unknown> {
  superuser: boolean;
  version: number;
  create_subscription: boolean;
  has_subscription: boolean;
}

interface TableFacts extends Record<string, unknown> {
  n: number;
  identity: string;
  has_pk: boolean;
  owner: boolean;
  can_select: boolean;
}

/** Tablesync workers each hold a slot and a WAL sender while they copy (`max_sync_workers_per_subscription`, 2). */
const COPY_WORKERS = 2;

/**
 * Everything logical replication needs, checked before anything is created, and reported all at once: the
 * primary's `wal_level`, free slots and WAL senders, the roles' privileges on both sides, a replica identity for
 * every published table, the backup's schema equal to the primary's over those tables (drift's schema diff),
 * empty backup tables for the initial copy, no earlier set-up under the same name, and that the BACKUP server can
 * connect to the primary with the subscription's connection string (a subscription is created disabled, without
 * a slot, and dropped again).
 */
export async function preflight(
  primary: Side,
  backup: Side,
  settled: Settled,
  options: { readonly copy: boolean; readonly truncate: boolean },
): Promise<PreflightResult> {
  const problems: ReplicationProblem[] = [];
  const add = (check: ReplicationProblem['check'], side: ReplicationProblem['side'], message: string) =>
    problems.push({ check, side, message });

  const [p] = await primary.rows<PrimaryFacts>(sql`select current_setting('wal_level') as wal_level,
      current_setting('max_replication_slots')::int as max_slots,
      (select count(*)::int from pg_replication_slots) as used_slots,
      current_setting('max_wal_senders')::int as max_senders,
      (select count(*)::int from pg_stat_replication) as used_senders,
      r.rolsuper as superuser, r.rolreplication as replication, current_user::text as role,
      exists(select 1 from pg_publication where pubname = ${settled.name}) as has_publication,
      exists(select 1 from pg_replication_slots where slot_name = ${settled.name}) as has_slot
    from pg_roles r where r.rolname = current_user`);
  const [b] = await backup.rows<BackupFacts>(sql`select r.rolsuper as superuser,
      current_setting('server_version_num')::int as version,
      case when exists(select 1 from pg_roles where rolname = 'pg_create_subscription')
        then pg_has_role(current_user, 'pg_create_subscription', 'MEMBER')
          and has_database_privilege(current_database(), 'CREATE')
        else false end as create_subscription,
      exists(select 1 from pg_subscription where subname = ${settled.name}) as has_subscription
    from pg_roles r where r.rolname = current_user`);
  if (p === undefined || b === undefined) throw new Error('could not read the roles of the connections');

  if (p.wal_level !== 'logical') {
    add(
      'wal_level',
      'primary',
      `wal_level is ${p.wal_level}; logical replication needs wal_level = logical (postgresql.conf or ALTER SYSTEM SET wal_level = logical, then restart the primary)`,
    );
  }
  if (p.has_publication || p.has_slot || b.has_subscription) {
    const found = [
      p.has_publication && `publication ${settled.name} on the primary`,
      p.has_slot && `replication slot ${settled.name} on the primary`,
      b.has_subscription && `subscription ${settled.name} on the backup`,
    ].filter(Boolean);
    add(
      'already-set-up',
      b.has_subscription ? 'backup' : 'primary',
      `already set up under the name ${settled.name}: ${found.join(', ')}; see \`multidb replicate status\`, or run \`multidb replicate teardown\` first`,
    );
  }

  const catalogs = await readCatalogs(primary, backup);
  const { tables, unknown } = selectPublished(catalogs.primary, settled);
  if (unknown.length > 0) {
    add('no-tables', 'primary', `tables not found on the primary: ${unknown.join(', ')}`);
  } else if (tables.length === 0) {
    add(
      'no-tables',
      'primary',
      'the primary has no tables to replicate (outside system and bookkeeping schemas)',
    );
  }

  const needed = 1 + (options.copy ? Math.min(COPY_WORKERS, tables.length) : 0);
  if (p.max_slots - p.used_slots < needed) {
    add(
      'replication-slots',
      'primary',
      `${p.max_slots - p.used_slots} of max_replication_slots = ${p.max_slots} free; needs ${needed} (one for the subscription${options.copy ? ', one per table copied at once' : ''}): raise max_replication_slots (restart) or drop unused slots (pg_replication_slots)`,
    );
  }
  if (p.max_senders - p.used_senders < needed) {
    add(
      'wal-senders',
      'primary',
      `${p.max_senders - p.used_senders} of max_wal_senders = ${p.max_senders} free; needs ${needed}: raise max_wal_senders (restart)`,
    );
  }
  if (!p.superuser && !p.replication) {
    add(
      'primary-privileges',
      'primary',
      `role ${p.role} has neither REPLICATION nor superuser: ALTER ROLE ${quoteIdentifier(p.role)} REPLICATION (the subscription connects as this role)`,
    );
  }

  const facts = new Map<number, TableFacts>();
  if (tables.length > 0) {
    const list = JSON.stringify(tables.map((t, n) => ({ n, schema: t.schema, name: t.name })));
    const rows = await primary.rows<TableFacts>(sql`select t.n, c.relreplident::text as identity,
        exists(select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary) as has_pk,
        pg_has_role(current_user, c.relowner, 'USAGE') as owner,
        has_table_privilege(c.oid, 'SELECT') as can_select
      from jsonb_to_recordset(${list}::text::jsonb) as t(n int, schema text, name text)
      join pg_namespace ns on ns.nspname = t.schema
      join pg_class c on c.relnamespace = ns.oid and c.relname = t.name`);
    for (const row of rows) facts.set(Number(row.n), row);
  }
  const noIdentity: string[] = [];
  const notOwned: string[] = [];
  tables.forEach((table, n) => {
    const f = facts.get(n);
    if (f === undefined) return;
    if (f.identity === 'n' || (f.identity === 'd' && !f.has_pk)) noIdentity.push(table.display);
    if (!p.superuser && (!f.owner || !f.can_select)) notOwned.push(table.display);
  });
  if (noIdentity.length > 0) {
    add(
      'replica-identity',
      'primary',
      `no primary key and no replica identity (UPDATE and DELETE would fail on the primary once published): ${noIdentity.join(', ')}; add a primary key, or ALTER TABLE … REPLICA IDENTITY FULL (or USING INDEX)`,
    );
  }
  if (notOwned.length > 0) {
    add(
      'primary-privileges',
      'primary',
      `role ${p.role} must own (to publish) and be able to SELECT (for the initial copy): ${notOwned.join(', ')}`,
    );
  }

  const backupPrivileged = b.superuser || b.create_subscription;
  if (!backupPrivileged) {
    add(
      'backup-privileges',
      'backup',
      b.version >= 160000
        ? 'the backup role must be superuser, or a member of pg_create_subscription with CREATE on the database (then the connection string needs a password)'
        : `creating a subscription needs a superuser on PostgreSQL ${Math.floor(b.version / 10000)} (PostgreSQL 16+ also allows pg_create_subscription)`,
    );
  }

  const differences = tables.length > 0 ? schemaDifferences(catalogs, tables) : [];
  if (differences.length > 0) {
    const shown = differences.slice(0, 10);
    add(
      'schema',
      'backup',
      `the backup's schema differs from the primary's (logical replication copies rows, not DDL; run \`multidb migrate\` on the backup first): ${shown.join('; ')}${differences.length > shown.length ? `; and ${differences.length - shown.length} more` : ''}`,
    );
  }

  // Without the privileges (or with other tables) the answer would not mean anything yet.
  const nonEmpty = differences.length > 0 || !backupPrivileged ? [] : await nonEmptyTables(backup, tables);
  if (options.copy && !options.truncate && nonEmpty.length > 0) {
    add(
      'backup-not-empty',
      'backup',
      `the initial copy needs empty backup tables; these hold rows: ${nonEmpty.join(', ')} (pass truncate / --truncate to empty them first, or skipCopy / --skip-copy if they already equal the primary)`,
    );
  }

  if (backupPrivileged && !b.has_subscription) {
    const reach = await probeConnection(backup, settled);
    if (reach !== undefined) add('backup-reaches-primary', 'backup', reach);
  }
  return { problems, tables, nonEmpty };
}

async function nonEmptyTables(backup: Side, tables: readonly PublishedTable[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const probes = tables
    .map((t, n) => `select ${n} as n where exists (select 1 from ${t.sqlName})`)
    .join(' union all ');
  const rows = await backup.rows<{ n: number }>(probes);
  return rows.map((row) => (tables[Number(row.n)] as PublishedTable).display);
}

/**
 * Whether the backup server can log in to the primary with the subscription's connection string: a subscription
 * is created disabled and without a slot (it connects once to check), then dropped (no remote call without a
 * slot). Returns the problem, or `undefined`.
 */
async function probeConnection(backup: Side, settled: Settled): Promise<string | undefined> {
  const probe = quoteIdentifier(`${settled.name.slice(0, 56)}_probe`);
  try {
    await backup.rows(`create subscription ${probe} connection ${quoteLiteral(settled.publisherUrl)}
      publication ${quoteIdentifier(settled.name)}
      with (connect = true, enabled = false, create_slot = false, slot_name = none, copy_data = false)`);
  } catch (error) {
    return `the backup server cannot connect to the primary with the subscription's connection string (set publisherUrl / --publisher-url to the address the backup sees): ${describeError(error)}`;
  }
  await backup.rows(`drop subscription if exists ${probe}`);
  return undefined;
}
