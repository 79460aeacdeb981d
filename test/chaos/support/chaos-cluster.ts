import { connect } from '@multidb/config';
import { ensureOutbox } from '@multidb/dual-write';
import { roles, schema, seedSampleData, splitLayout } from '@multidb/example-app';
import { migrate, openSplitClients } from '@multidb/split-schema';
import { checkDrift, syncBackup } from '@multidb/sync';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { expect } from 'vitest';

export interface ChaosClusterOptions {
  readonly replicas?: number;
  /** Also create dual-write's outbox (primary) and fence (backup) tables. */
  readonly outbox?: boolean;
  /** Start every server with `wal_level = logical` (logical replication as the backup's engine). */
  readonly logical?: boolean;
}

export interface ChaosCluster {
  readonly pg: PgCluster;
  readonly primaryUrl: string;
  readonly backupUrl: string;
  /** e.g. `PostgreSQL 15.8`. */
  readonly version: string;
  stop(): Promise<void>;
}

async function migrateReferenceSchema(url: string): Promise<void> {
  const split = await openSplitClients(splitLayout, { primaryUrl: url, splitMode: false });
  try {
    const report = await migrate(split);
    if (!report.ok) throw new Error(`migration failed: ${JSON.stringify(report.databases)}`);
  } finally {
    await split.close();
  }
}

/**
 * A real cluster (primary, streaming replicas, an independent backup) holding the reference schema (all four
 * pgSchemas in one database, SPLIT_DB_MODE=false) on primary and backup, seeded on the primary and copied to the
 * backup with `syncBackup`, as an operator starts dual-writing.
 */
export async function startChaosCluster(options: ChaosClusterOptions = {}): Promise<ChaosCluster> {
  const pg = await startPgCluster({
    replicas: options.replicas ?? 0,
    backup: true,
    settings: options.logical ? { wal_level: 'logical' } : undefined,
  });
  try {
    const backupUrl = pg.backup?.url as string;
    await Promise.all([migrateReferenceSchema(pg.primary.url), migrateReferenceSchema(backupUrl)]);
    const primary = await connect(pg.primary.url, { schema });
    try {
      await seedSampleData({ primary: primary.db, data: primary.db }, { organizations: 4, seed: 6 });
      await primary.db
        .insert(roles)
        .values([{ key: 'member', description: 'member role', permissions: ['invoices:read'] }])
        .onConflictDoNothing();
      if (options.outbox) {
        const backup = await connect(backupUrl);
        await ensureOutbox(primary.db, { backup: backup.db });
        await backup.close();
      }
    } finally {
      await primary.close();
    }
    const copied = await syncBackup({ source: pg.primary.url, target: backupUrl });
    if (copied.isErr() || !copied.value.ok) throw new Error(`initial sync failed: ${JSON.stringify(copied)}`);
    await pg.waitForReplication();
    const [row] = await pg.primary.sql(`select split_part(version(), ' ', 2) as v`);
    return {
      pg,
      primaryUrl: pg.primary.url,
      backupUrl,
      version: `PostgreSQL ${String(row?.v)}`,
      stop: () => pg.stop(),
    };
  } catch (error) {
    await pg.stop();
    throw error;
  }
}

export interface DriftFigures {
  readonly clean: boolean;
  readonly schemaDifferences: number;
  readonly missing: number;
  readonly extra: number;
  readonly changed: number;
  readonly tables: number;
  /** Rows compared on the primary side. */
  readonly rows: number;
  readonly ms: number;
  /** First differences, for a failing assertion's message. */
  readonly sample: string;
}

/** Compares the backup with the primary row by row (checksums per key range, bisected to rows). */
export async function compareBackup(cluster: ChaosCluster): Promise<DriftFigures> {
  const result = await checkDrift({
    source: cluster.primaryUrl,
    target: cluster.backupUrl,
    recheckDelayMs: 0,
  });
  if (result.isErr()) throw new Error(`drift check failed: ${JSON.stringify(result.error)}`);
  const report = result.value;
  const sum = (pick: (t: (typeof report.tables)[number]) => number) =>
    report.tables.reduce((total, t) => total + pick(t), 0);
  const differing = report.tables.filter((t) => t.status !== 'clean');
  return {
    clean: report.clean && !report.errors,
    schemaDifferences: report.schema.length,
    missing: sum((t) => t.missing),
    extra: sum((t) => t.extra),
    changed: sum((t) => t.changed),
    tables: report.tables.length,
    rows: sum((t) => t.sourceRows),
    ms: report.ms,
    sample: JSON.stringify({
      schema: report.schema.slice(0, 5),
      tables: differing.map((t) => ({
        table: t.table,
        status: t.status,
        reason: t.reason,
        rows: t.rows.slice(0, 5),
      })),
    }),
  };
}

/** `0 missing, 0 extra, 0 changed in 13 tables (12,345 rows)` */
export function describeDrift(d: DriftFigures): string {
  return `${d.missing} missing, ${d.extra} extra, ${d.changed} changed, ${d.schemaDifferences} schema differences in ${d.tables} tables (${d.rows.toLocaleString('en-US')} rows compared)`;
}

/** The scenario's last assertion: primary and backup equal, row by row, schema included. */
export function expectNoDrift(drift: DriftFigures): void {
  expect(drift, drift.sample).toMatchObject({
    clean: true,
    schemaDifferences: 0,
    missing: 0,
    extra: 0,
    changed: 0,
  });
}
