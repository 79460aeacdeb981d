import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import type { KeyText } from '../sql/table-sql.js';
import type { CompareSpec } from './compare-spec.js';
import type { RowDifferenceKind } from './drift-types.js';
import { type LocateSettings, locateRows, rangeSums, type Sides } from './locate-rows.js';
import { rangeSplitter } from './range-splitter.js';
import { diffRows, type KeyedDifference } from './row-diff.js';
import { type RangeChecksum, sameSum, TableSide } from './table-side.js';

export interface CompareSettings extends LocateSettings {
  readonly chunkRows: number;
  readonly fanout: number;
  readonly maxRowDiffs: number;
  readonly recheckDelayMs: number;
  readonly checksum: RangeChecksum;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface TableComparison {
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly ranges: number;
  readonly mismatchedRanges: number;
  readonly counts: Readonly<Record<RowDifferenceKind, number>>;
  /** Listed differences (at most `maxRowDiffs`), after the recheck. */
  readonly differences: readonly KeyedDifference[];
  readonly truncated: boolean;
  readonly settledOnRecheck: number;
}

const RECHECK_BATCH = 1000;

async function recheck(sides: Sides, differences: readonly KeyedDifference[]): Promise<KeyedDifference[]> {
  const still: KeyedDifference[] = [];
  for (let at = 0; at < differences.length; at += RECHECK_BATCH) {
    const keys = differences.slice(at, at + RECHECK_BATCH).map((d) => JSON.parse(d.key) as KeyText);
    const [a, b] = await Promise.all([
      sides.source.rowHashesByKeys(keys),
      sides.target.rowHashesByKeys(keys),
    ]);
    still.push(...diffRows(a, b));
  }
  return still;
}

/**
 * Compares one table: checksums per key range, bisection of the ranges that differ down to rows, and a recheck
 * of those rows after a delay so that writes in flight (e.g. dual-writes not yet applied) drop out.
 */
export async function compareTable(
  sourceDb: SqlEndpoint,
  targetDb: SqlEndpoint,
  spec: CompareSpec,
  settings: CompareSettings,
): Promise<TableComparison> {
  const sides: Sides = {
    source: new TableSide(sourceDb, spec.source, spec, settings.checksum),
    target: new TableSide(targetDb, spec.target, spec, settings.checksum),
    grouped: spec.key.length === 1,
  };
  const splitter = rangeSplitter(spec, sides, settings);
  const whole = { lower: undefined, upper: undefined };
  const ranges = await rangeSums(sides, whole, await splitter.top());
  const mismatched = ranges.filter((r) => !sameSum(r.source, r.target));
  let listed: KeyedDifference[] = [];
  let overflow = 0;
  const overflowCounts: Record<RowDifferenceKind, number> = { missing: 0, extra: 0, changed: 0 };
  for (const pair of mismatched) {
    await locateRows(sides, splitter, pair, settings, (found) => {
      for (const difference of found) {
        if (listed.length < settings.maxRowDiffs) listed.push(difference);
        else {
          overflow += 1;
          overflowCounts[difference.kind] += 1;
        }
      }
    });
  }
  let settledOnRecheck = 0;
  if (listed.length > 0 && settings.recheckDelayMs > 0) {
    await settings.sleep(settings.recheckDelayMs);
    const before = listed.length;
    listed = await recheck(sides, listed);
    settledOnRecheck = before - listed.length;
  }
  const counts = { ...overflowCounts };
  for (const difference of listed) counts[difference.kind] += 1;
  return {
    sourceRows: ranges.reduce((n, r) => n + r.source.count, 0),
    targetRows: ranges.reduce((n, r) => n + r.target.count, 0),
    ranges: ranges.length,
    mismatchedRanges: mismatched.length,
    counts,
    differences: listed,
    truncated: overflow > 0,
    settledOnRecheck,
  };
}
