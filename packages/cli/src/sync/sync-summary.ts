import type { SyncReport } from '@multidb/sync';
import { formatCount, formatMs, textTable } from './text-table.js';

/** The human summary: one line per table (rows, rows/s, time), then totals and every reason and warning. */
export function formatSyncSummary(report: SyncReport): string {
  const header = ['table', 'status', 'rows', 'written', 'rows/s', 'time', 'how'];
  const rows = report.tables.map((t) => [
    t.table,
    t.status,
    formatCount(t.rowsRead),
    formatCount(t.rowsWritten),
    t.rowsPerSecond > 0 ? formatCount(t.rowsPerSecond) : '',
    t.ms > 0 ? formatMs(t.ms) : '',
    [
      t.handling === 'whole-table' ? 'whole table' : undefined,
      t.strategy,
      t.mode === 'chunked' ? undefined : t.mode,
    ]
      .filter(Boolean)
      .join(', '),
  ]);
  const notes = report.tables.flatMap((t) => [
    ...(t.reason ? [`  ${t.table}: ${t.reason}`] : []),
    ...(t.resumedAfterRows > 0
      ? [`  ${t.table}: resumed after ${formatCount(t.resumedAfterRows)} rows`]
      : []),
    ...t.warnings.map((w) => `  ${t.table}: warning: ${w}`),
  ]);
  const count = (status: string) => report.tables.filter((t) => t.status === status).length;
  const verb = report.dryRun ? 'planned' : 'copied';
  const total =
    `${report.dryRun ? 'dry run: nothing written. ' : ''}${count(verb)} ${verb}, ${count('skipped')} skipped, ` +
    `${count('failed')} failed${report.aborted ? ', interrupted (run again to resume)' : ''}; ` +
    `${formatCount(report.rowsRead)} rows read, ${formatCount(report.rowsWritten)} written in ${formatMs(report.ms)}`;
  const views = report.materializedViews.map(
    (v) => `  materialized view ${v.view}: ${v.status}${v.reason ? ` (${v.reason})` : ''}`,
  );
  const problems = report.problems.map((p) => `  ${p.table}: ${p.status}: ${p.reason}`);
  const verdict = report.ok
    ? []
    : [
        '',
        `NOT OK: ${report.problems.length} selected table(s) not copied (leave tables out with --tables):`,
        ...problems,
      ];
  return [
    textTable([header, ...rows]),
    '',
    total,
    ...(notes.length > 0 ? ['', ...notes] : []),
    ...(views.length > 0 ? ['', ...views] : []),
    ...verdict,
    '',
  ].join('\n');
}
