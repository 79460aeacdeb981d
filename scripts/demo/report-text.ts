import { INTENTS } from '@multidb/config';
import type { DemoReport } from './report.js';
import { seconds } from './timing.js';

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
  );
}

/** Queries per intent and node: one row per intent, one column per node. */
function routedTable(report: DemoReport): string[] {
  const nodes = Object.keys(report.router.nodes);
  const rows = INTENTS.map((intent) => [
    intent,
    ...nodes.map((node) => String(report.router.routed[intent]?.[node] ?? 0)),
  ]);
  return table([['intent', ...nodes], ...rows]);
}

/** The short report printed at the end of `pnpm demo`. */
export function formatReport(report: DemoReport): string {
  const lines: string[] = [''];
  lines.push(`══ Report (${report.mode}, ${seconds(report.durationMs)})`);
  lines.push(
    `   time: ${Object.entries(report.stepMs)
      .map(([step, ms]) => `${step} ${seconds(ms)}`)
      .join(' · ')}`,
  );
  // Without a running application (the environment did not start) there are no figures to show.
  if (Object.keys(report.router.nodes).length > 0) lines.push(...figures(report));
  lines.push('', 'Claims:');
  for (const c of report.claims) lines.push(`   ${c.held ? '✓' : '✗'} ${c.text} (${c.detail})`);
  if (report.error) lines.push('', `The demo stopped early: ${report.error}`);
  lines.push('', verdict(report));
  return lines.join('\n');
}

function verdict(report: DemoReport): string {
  if (report.ok) return `All ${report.claims.length} claims held.`;
  const problems = [
    ...(report.failedClaims.length > 0
      ? [`${report.failedClaims.length} claim(s) did not hold: ${report.failedClaims.join(', ')}`]
      : []),
    ...(report.error ? ['the story did not run to the end'] : []),
  ];
  return `FAILED: ${problems.join('; ')}.`;
}

function figures(report: DemoReport): string[] {
  const lines: string[] = [];
  lines.push('', 'Queries per intent and node (router.getMetrics().routed):');
  lines.push(...routedTable(report).map((l) => `   ${l}`));
  const down = Object.entries(report.router.nodes)
    .filter(([, n]) => n.timesDown > 0)
    .map(([name, n]) => `${name} down ${n.timesDown}×`);
  lines.push(
    `   failovers ${report.router.failovers} (reads served by the primary or DR instead of a replica) · ` +
      `retried reads ${report.router.retries} · ${down.join(', ') || 'no node down'} · ` +
      `read-your-writes: ${report.router.consistency.tokensIssued} tokens issued, ` +
      `${report.router.consistency.constrainedReads} constrained reads`,
  );
  const b = report.backup;
  lines.push(
    '',
    'Backup (dual-write queue):',
    `   applied ${b.applied} rows in ${b.batches} backup transactions · retried ${b.retried} · failed batches ${b.failed} · ` +
      `dead-lettered ${b.deadLettered} · overflowed ${b.overflowed}`,
    `   during the outage: peak depth ${b.peakDepth} rows, peak backup lag ${seconds(b.peakLagMs)} · now: depth ${b.depth}, ` +
      `lag ${seconds(b.oldestPendingAgeMs)}, reachable ${b.backupReachable}`,
  );
  const drift = report.steps.drift;
  if (drift) {
    lines.push(
      '',
      'Drift:',
      `   found missing ${drift.found.missing}, extra ${drift.found.extra}, changed ${drift.found.changed} · ` +
        `repaired (upserted ${drift.repair.upserted}), verified ${drift.repair.verified} · ` +
        `final check: ${drift.final.differences} differences in ${drift.final.tables} tables`,
    );
  }
  lines.push(
    '',
    `Requests: ${report.requests.total} through the tRPC fetch handler, ${report.requests.failed} failed`,
  );
  for (const f of report.requests.failures) lines.push(`   ✗ ${f.procedure} → ${f.status} ${f.error}`);
  lines.push(`GET /metrics: ${report.prometheus.lines} Prometheus series, e.g.`);
  for (const sample of report.prometheus.sample) lines.push(`   ${sample}`);
  return lines;
}
