import type { DriftReport } from '@multidb/sync';
import { formatCount, formatMs, textTable } from './text-table.js';

const SHOWN_ROWS = 20;

/** The human report: schema differences, one line per table, then the differing rows (first few) and notes. */
export function formatDriftSummary(report: DriftReport): string {
  const lines: string[] = [];
  if (report.schema.length > 0) {
    lines.push('Schema differences:');
    for (const d of report.schema) {
      const detail =
        d.difference === 'different' ? `: ${d.source} on the source, ${d.target} on the target` : '';
      lines.push(`  ${d.kind} ${d.object} ${d.difference}${detail}`);
    }
    lines.push('');
  }
  const header = [
    'table',
    'status',
    'source rows',
    'target rows',
    'missing',
    'extra',
    'changed',
    'time',
    'repair',
  ];
  const rows = report.tables.map((t) => [
    t.table,
    t.status,
    formatCount(t.sourceRows),
    formatCount(t.targetRows),
    formatCount(t.missing),
    formatCount(t.extra),
    formatCount(t.changed),
    formatMs(t.ms),
    t.repair
      ? `${t.repair.verified ? 'verified' : 'NOT verified'} (${t.repair.replaced ? 'replaced, ' : ''}+${t.repair.upserted} -${t.repair.deleted})`
      : '',
  ]);
  lines.push(textTable([header, ...rows]), '');
  for (const t of report.tables) {
    for (const row of t.rows.slice(0, SHOWN_ROWS))
      lines.push(`  ${t.table} ${row.kind} ${JSON.stringify(row.key)}`);
    if (t.rows.length > SHOWN_ROWS || t.truncated)
      lines.push(`  ${t.table}: ... (see --json for every listed row)`);
    if (t.reason) lines.push(`  ${t.table}: ${t.reason}`);
    if (t.settledOnRecheck > 0)
      lines.push(`  ${t.table}: ${t.settledOnRecheck} difference(s) settled on recheck`);
    if (t.repair?.error) lines.push(`  ${t.table}: repair: ${t.repair.error}`);
  }
  const verdict = report.errors
    ? 'some tables could not be compared'
    : report.clean
      ? report.repaired
        ? 'clean after repair'
        : 'clean'
      : 'drift found';
  lines.push('', `${verdict} (${formatMs(report.ms)})`, '');
  return lines.join('\n');
}
