import { quoteIdentifier } from '@multidb/config';
import type { ForeignKeyInfo, TableInfo } from '../catalog/catalog-types.js';
import type { CopyStep } from '../catalog/dependency-order.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';

/**
 * How a step is written on the target:
 * - `chunked`: one transaction per chunk (no cycle, or no enforced foreign key inside the group on the target);
 * - `deferred`: every foreign key of the cycle is DEFERRABLE on the target: the group's tables are copied in one
 *   transaction with `SET CONSTRAINTS ALL DEFERRED`, checked at commit;
 * - `replica-role`: `SET LOCAL session_replication_role = replica` per chunk (foreign-key triggers off; the
 *   source is consistent, so the copy is too once complete). Needs superuser or, on PG 15+, a SET grant;
 * - `blocked`: neither is possible; the group is reported and not copied.
 */
export type CycleMode =
  | { readonly kind: 'chunked' }
  | { readonly kind: 'deferred' }
  | { readonly kind: 'replica-role' }
  | { readonly kind: 'blocked'; readonly message: string };

export const REPLICA_ROLE_SQL = 'SET LOCAL session_replication_role = replica';

async function mayUseReplicaRole(target: SqlEndpoint): Promise<boolean> {
  try {
    await target.transaction((tx) => tx.execute(REPLICA_ROLE_SQL));
    return true;
  } catch {
    return false;
  }
}

function blockedMessage(tables: readonly TableInfo[], keys: readonly ForeignKeyInfo[]): string {
  const byId = new Map(tables.map((t) => [t.id, t]));
  const names = tables.map((t) => t.display).join(', ');
  const fixes = keys
    .filter((k) => !k.deferrable)
    .map(
      (k) =>
        `ALTER TABLE ${byId.get(k.from)?.sqlName} ALTER CONSTRAINT ${quoteIdentifier(k.name)} DEFERRABLE;`,
    );
  return (
    `tables ${names} reference each other through foreign keys that are not DEFERRABLE on the target, and this ` +
    `role may not set session_replication_role. Make them deferrable on the target (${fixes.join(' ')}) or run ` +
    'the sync as a superuser (PostgreSQL 15+: or GRANT SET ON PARAMETER session_replication_role to the role).'
  );
}

/** Decides how a copy step is written, from the target's own foreign keys (the ones that are enforced). */
export async function chooseCycleMode(
  step: CopyStep,
  targetForeignKeys: readonly ForeignKeyInfo[],
  target: SqlEndpoint,
): Promise<CycleMode> {
  if (!step.cycle) return { kind: 'chunked' };
  const ids = new Set(step.tables.map((t) => t.id));
  const enforced = targetForeignKeys.filter((k) => ids.has(k.from) && ids.has(k.to));
  if (enforced.length === 0) return { kind: 'chunked' };
  if (enforced.every((k) => k.deferrable)) return { kind: 'deferred' };
  if (await mayUseReplicaRole(target)) return { kind: 'replica-role' };
  return { kind: 'blocked', message: blockedMessage(step.tables, enforced) };
}
