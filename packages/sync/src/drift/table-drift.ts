import { describeError } from '@multidb/config';
import type { TableInfo } from '../catalog/catalog-types.js';
import type { OpenDatabases } from '../endpoint/open-databases.js';
import { compareSpec } from './compare-spec.js';
import { compareTable } from './compare-table.js';
import type { DriftSettings } from './drift-options.js';
import type { RowDifference, TableDriftReport } from './drift-types.js';
import type { KeyedDifference } from './row-diff.js';
import { sameSum, TableSide } from './table-side.js';

export interface TableDrift {
  readonly report: TableDriftReport;
  /** Differences to repair (listed ones only). */
  readonly differences: readonly KeyedDifference[];
}

const empty = (table: string): TableDriftReport => ({
  table,
  status: 'clean',
  comparison: 'keyed',
  sourceRows: 0,
  targetRows: 0,
  comparedColumns: [],
  ignoredColumns: [],
  ranges: 0,
  mismatchedRanges: 0,
  missing: 0,
  extra: 0,
  changed: 0,
  settledOnRecheck: 0,
  rows: [],
  truncated: false,
  repair: undefined,
  reason: undefined,
  ms: 0,
});

function keyRecord(key: readonly string[], difference: KeyedDifference): RowDifference {
  const values = JSON.parse(difference.key) as string[];
  return { kind: difference.kind, key: Object.fromEntries(key.map((k, i) => [k, values[i] as string])) };
}

/**
 * Counts and a whole-table multiset checksum (the sum of per-row hashes: independent of row order, and a
 * duplicated row adds its hash again) for a table without a usable key: drift is detected, not located.
 */
async function keylessDrift(
  dbs: OpenDatabases,
  source: TableInfo,
  target: TableInfo,
  reason: string,
  settings: DriftSettings,
): Promise<TableDriftReport> {
  const columns = source.columns
    .filter((c) => target.columns.some((t) => t.name === c.name && t.type === c.type))
    .map((c) => c.name);
  const spec = { source, target, key: [], columns, ignored: [] };
  const whole = { lower: undefined, upper: undefined };
  const [a, b] = await Promise.all([
    new TableSide(dbs.source, source, spec, settings.checksum).rangeSum(whole),
    new TableSide(dbs.target, target, spec, settings.checksum).rangeSum(whole),
  ]);
  return {
    ...empty(source.display),
    status: sameSum(a, b) ? 'clean' : 'drift',
    comparison: 'whole-table',
    sourceRows: a.count,
    targetRows: b.count,
    comparedColumns: columns,
    ranges: 1,
    mismatchedRanges: sameSum(a, b) ? 0 : 1,
    reason,
  };
}

/** Compares one table and reports it; a failing query makes an `error` entry, not an exception. */
export async function tableDrift(
  dbs: OpenDatabases,
  source: TableInfo,
  settings: DriftSettings,
): Promise<TableDrift> {
  const started = settings.now();
  const base = empty(source.display);
  const target = dbs.targetCatalog.tables.find((t) => t.id === source.id);
  if (target === undefined) {
    return {
      report: { ...base, status: 'skipped', reason: 'missing on the target (see the schema differences)' },
      differences: [],
    };
  }
  try {
    const spec = compareSpec(source, target);
    if (spec.isErr()) {
      const report = await keylessDrift(dbs, source, target, spec.error, settings);
      return { report: { ...report, ms: settings.now() - started }, differences: [] };
    }
    const result = await compareTable(dbs.source, dbs.target, spec.value, settings);
    const drift =
      result.mismatchedRanges > 0 && result.counts.missing + result.counts.extra + result.counts.changed > 0;
    const report: TableDriftReport = {
      ...base,
      status: drift ? 'drift' : 'clean',
      sourceRows: result.sourceRows,
      targetRows: result.targetRows,
      comparedColumns: spec.value.columns,
      ignoredColumns: spec.value.ignored,
      ranges: result.ranges,
      mismatchedRanges: result.mismatchedRanges,
      ...result.counts,
      settledOnRecheck: result.settledOnRecheck,
      rows: result.differences.map((d) => keyRecord(spec.value.key, d)),
      truncated: result.truncated,
      reason:
        spec.value.ignored.length > 0
          ? `compared ${spec.value.columns.length} columns; left out (schema differs): ${spec.value.ignored.join(', ')}`
          : undefined,
      ms: settings.now() - started,
    };
    return { report, differences: result.differences };
  } catch (error) {
    return {
      report: { ...base, status: 'error', reason: describeError(error), ms: settings.now() - started },
      differences: [],
    };
  }
}
