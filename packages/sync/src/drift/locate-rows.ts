import type { KeyText } from '../sql/table-sql.js';
import type { RangeSplitter } from './range-splitter.js';
import { diffRows, type KeyedDifference } from './row-diff.js';
import { type KeyRange, type RangeSum, sameSum, type TableSide } from './table-side.js';

export interface LocateSettings {
  readonly leafRows: number;
}

export interface Sides {
  readonly source: TableSide;
  readonly target: TableSide;
  /** Single-column keys: one grouped (width_bucket) query per side for all sub-ranges. */
  readonly grouped: boolean;
}

export interface RangePair {
  readonly range: KeyRange;
  readonly source: RangeSum;
  readonly target: RangeSum;
}

const MAX_DEPTH = 24;
const ZERO: RangeSum = { count: 0, sum: '0' };

/** Splits a range at the given keys: [lower, k1), [k1, k2), ..., [kn, upper). */
export function splitRange(range: KeyRange, points: readonly KeyText[]): KeyRange[] {
  const bounds = [range.lower, ...points, range.upper];
  return bounds.slice(0, -1).map((lower, i) => ({ lower, upper: bounds[i + 1] }));
}

/** Both sides' checksums of each sub-range of `range` cut at `points`. */
export async function rangeSums(
  sides: Sides,
  range: KeyRange,
  points: readonly KeyText[],
): Promise<RangePair[]> {
  const parts = splitRange(range, points);
  if (sides.grouped && points.length > 0) {
    const [a, b] = await Promise.all([
      sides.source.bucketSums(points, range),
      sides.target.bucketSums(points, range),
    ]);
    return parts.map((part, i) => ({ range: part, source: a.get(i) ?? ZERO, target: b.get(i) ?? ZERO }));
  }
  const out: RangePair[] = [];
  for (const part of parts) {
    const [a, b] = await Promise.all([sides.source.rangeSum(part), sides.target.rangeSum(part)]);
    out.push({ range: part, source: a, target: b });
  }
  return out;
}

/**
 * Narrows a range whose checksums differ down to rows: small ranges are compared row by row (row hashes), larger
 * ones are cut into sub-ranges and only those whose checksums still differ are visited. Memory stays bounded by
 * `leafRows` and the number of sub-ranges.
 */
export async function locateRows(
  sides: Sides,
  splitter: RangeSplitter,
  pair: RangePair,
  settings: LocateSettings,
  found: (differences: KeyedDifference[]) => void,
  depth = 0,
): Promise<void> {
  const larger = Math.max(pair.source.count, pair.target.count);
  const points =
    larger <= settings.leafRows || depth >= MAX_DEPTH ? [] : await splitter.split(pair.range, pair);
  if (points.length === 0) {
    const [a, b] = await Promise.all([
      sides.source.rowHashes(pair.range),
      sides.target.rowHashes(pair.range),
    ]);
    found(diffRows(a, b));
    return;
  }
  for (const part of await rangeSums(sides, pair.range, points)) {
    if (!sameSum(part.source, part.target))
      await locateRows(sides, splitter, part, settings, found, depth + 1);
  }
}
