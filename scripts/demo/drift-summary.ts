import { checkDrift, type DatabaseInput, type DriftReport } from '@multidb/sync';

/** The part of a drift report the story tells. */
export interface DriftSummary {
  readonly clean: boolean;
  readonly driftFound: boolean;
  readonly repaired: boolean;
  /** Every repaired table compared equal again after its repair. */
  readonly verified: boolean;
  readonly tables: number;
  readonly schemaDifferences: number;
  readonly missing: number;
  readonly extra: number;
  readonly changed: number;
  readonly differences: number;
  /** The differing rows (first few): `schema.table changed {"id":"..."}`. */
  readonly rows: readonly string[];
  readonly upserted: number;
  readonly deleted: number;
  readonly ms: number;
  /** Set when the check itself could not run (redacted by the sync package). */
  readonly error: string | undefined;
}

// The story stops its traffic before comparing, so a short recheck is enough.
const RECHECK_DELAY_MS = 100;

function summarize(report: DriftReport): DriftSummary {
  const sum = (pick: (t: DriftReport['tables'][number]) => number) =>
    report.tables.reduce((total, t) => total + pick(t), 0);
  const missing = sum((t) => t.missing);
  const extra = sum((t) => t.extra);
  const changed = sum((t) => t.changed);
  const repairedTables = report.tables.filter((t) => t.repair !== undefined);
  return {
    clean: report.clean,
    driftFound: report.driftFound,
    repaired: report.repaired,
    verified: repairedTables.length > 0 && repairedTables.every((t) => t.repair?.verified === true),
    tables: report.tables.length,
    schemaDifferences: report.schema.length,
    missing,
    extra,
    changed,
    differences: missing + extra + changed + report.schema.length,
    rows: report.tables
      .flatMap((t) => t.rows.map((r) => `${t.table} ${r.kind} ${JSON.stringify(r.key)}`))
      .slice(0, 5),
    upserted: sum((t) => t.repair?.upserted ?? 0),
    deleted: sum((t) => t.repair?.deleted ?? 0),
    ms: report.ms,
    error: report.errors ? report.tables.find((t) => t.reason)?.reason : undefined,
  };
}

/** `checkDrift` (what `pnpm drift` runs) from `source` to `target`, optionally repairing. */
export async function driftBetween(
  source: DatabaseInput,
  target: DatabaseInput,
  options: { readonly repair?: boolean },
): Promise<DriftSummary> {
  const result = await checkDrift({
    source,
    target,
    repair: options.repair,
    recheckDelayMs: RECHECK_DELAY_MS,
  });
  if (result.isOk()) return summarize(result.value);
  return {
    clean: false,
    driftFound: false,
    repaired: false,
    verified: false,
    tables: 0,
    schemaDifferences: 0,
    missing: 0,
    extra: 0,
    changed: 0,
    differences: 0,
    rows: [],
    upserted: 0,
    deleted: 0,
    ms: 0,
    error: `${result.error.type}: ${result.error.message}`,
  };
}
