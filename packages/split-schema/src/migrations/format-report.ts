import type { DatabaseMigrationResult, MigrationReport } from './migration-report.js';
import type { DatabaseStatus, MigrationStatusReport } from './migration-status.js';

const mode = (splitMode: boolean) => (splitMode ? 'split databases' : 'one database (SPLIT_DB_MODE=false)');

/** Plain-text report for a terminal; URLs in reports are already redacted. */
export function formatMigrationReport(report: MigrationReport): string {
  const lines = [`migrate: ${mode(report.splitMode)}`];
  for (const db of report.databases) lines.push(...formatDatabaseResult(db));
  lines.push(report.ok ? 'ok' : 'FAILED');
  return lines.join('\n');
}

const label = (db: { database: string; migrationsOf: string }) =>
  db.database === 'backup' ? `backup (${db.migrationsOf} migrations)` : db.database;

function formatDatabaseResult(db: DatabaseMigrationResult): string[] {
  const count = (outcome: string) => db.steps.filter((s) => s.outcome === outcome).length;
  const lines = [
    `${label(db)} ${db.url} (${db.migrationsTable}): ${db.outcome}`,
    `  applied ${count('applied')}, recorded ${count('recorded')}, already applied ${count('already-applied')}, failed ${count('failed')}, not executed ${count('not-executed')}`,
  ];
  for (const step of db.steps) {
    if (step.outcome === 'already-applied') continue;
    lines.push(`  ${step.outcome.padEnd(12)} ${step.tag}${step.detail ? `  (${step.detail})` : ''}`);
  }
  for (const message of db.messages) lines.push(`  ! ${message}`);
  if (db.error !== undefined) lines.push(`  error: ${db.error}`);
  return lines;
}

export function formatStatusReport(report: MigrationStatusReport): string {
  const lines = [`migration status: ${mode(report.splitMode)}`];
  for (const db of report.databases) lines.push(...formatDatabaseStatus(db));
  return lines.join('\n');
}

function formatDatabaseStatus(db: DatabaseStatus): string[] {
  const lines = [`${label(db)} ${db.url} (${db.migrationsTable})`];
  if (db.error !== undefined) return [...lines, `  error: ${db.error}`];
  if (db.mismatch !== undefined) lines.push(`  ! ${db.mismatch}`);
  lines.push(`  applied ${db.applied.length}, pending ${db.pending.length}`);
  for (const m of db.pending) lines.push(`  pending      ${m.tag}`);
  for (const m of db.changed) lines.push(`  changed      ${m.tag} (file edited after it was applied)`);
  for (const m of db.vanished) lines.push(`  vanished     created_at ${m.createdAt} (recorded, file gone)`);
  for (const m of db.outOfOrder)
    lines.push(
      m.runs
        ? `  out of order ${m.tag} (older than the applied ${m.newestApplied}; migrate runs it after it)`
        : `  out of order ${m.tag} (older than the applied ${m.newestApplied}; drizzle skips it)`,
    );
  return lines;
}
