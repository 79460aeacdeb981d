import type { KeyText } from '../sql/table-sql.js';
import type { CompareSpec } from './compare-spec.js';
import type { KeyRange, RangeSum, TableSide } from './table-side.js';

/** Where to cut key ranges: the whole table into checksum ranges, and a differing range into sub-ranges. */
export interface RangeSplitter {
  top(): Promise<KeyText[]>;
  split(range: KeyRange, sums: { readonly source: RangeSum; readonly target: RangeSum }): Promise<KeyText[]>;
}

export interface SplitSettings {
  readonly chunkRows: number;
  readonly fanout: number;
}

type Sides = { readonly source: TableSide; readonly target: TableSide };

const INTEGER_TYPES = new Set(['"pg_catalog"."int2"', '"pg_catalog"."int4"', '"pg_catalog"."int8"']);
const MAX_BUCKETS = 100_000n;

/** Cut points at keys read from the data (every n-th key): any key type, one extra ordered pass. */
class KeySampleSplitter implements RangeSplitter {
  readonly #sides: Sides;
  readonly #settings: SplitSettings;

  constructor(sides: Sides, settings: SplitSettings) {
    this.#sides = sides;
    this.#settings = settings;
  }

  top(): Promise<KeyText[]> {
    return this.#sides.source.boundaries({ lower: undefined, upper: undefined }, this.#settings.chunkRows);
  }

  split(range: KeyRange, sums: { source: RangeSum; target: RangeSum }): Promise<KeyText[]> {
    const larger = Math.max(sums.source.count, sums.target.count);
    const side = sums.source.count >= sums.target.count ? this.#sides.source : this.#sides.target;
    return side.boundaries(range, Math.ceil(larger / this.#settings.fanout));
  }
}

/** Evenly spaced cut points over a single integer key's span: no pass over the data to find them. */
class IntegerSplitter implements RangeSplitter {
  readonly #sides: Sides;
  readonly #settings: SplitSettings;
  readonly #estimatedRows: number;
  #min = 0n;
  #end = 0n;

  constructor(sides: Sides, settings: SplitSettings, estimatedRows: number) {
    this.#sides = sides;
    this.#settings = settings;
    this.#estimatedRows = estimatedRows;
  }

  static #points(lo: bigint, hi: bigint, parts: bigint): KeyText[] {
    const step = (hi - lo + parts - 1n) / parts;
    const out: KeyText[] = [];
    if (step <= 0n) return out;
    for (let at = lo + step; at < hi; at += step) out.push([at.toString()]);
    return out;
  }

  async top(): Promise<KeyText[]> {
    const spans = (await Promise.all([this.#sides.source.keySpan(), this.#sides.target.keySpan()])).filter(
      (s) => s !== undefined,
    );
    if (spans.length === 0) return [];
    const [first, ...rest] = spans.map((s) => [BigInt(s.min), BigInt(s.max)] as const);
    let [min, max] = first as readonly [bigint, bigint];
    for (const [low, high] of rest) {
      if (low < min) min = low;
      if (high > max) max = high;
    }
    this.#min = min;
    this.#end = max + 1n;
    const rows = this.#estimatedRows > 0 ? BigInt(Math.ceil(this.#estimatedRows)) : this.#end - this.#min;
    const chunk = BigInt(this.#settings.chunkRows);
    let buckets = (rows + chunk - 1n) / chunk;
    if (buckets > MAX_BUCKETS) buckets = MAX_BUCKETS;
    return IntegerSplitter.#points(this.#min, this.#end, buckets < 1n ? 1n : buckets);
  }

  async split(range: KeyRange): Promise<KeyText[]> {
    const lo = range.lower ? BigInt(range.lower[0] as string) : this.#min;
    const hi = range.upper ? BigInt(range.upper[0] as string) : this.#end;
    return IntegerSplitter.#points(lo, hi, BigInt(this.#settings.fanout));
  }
}

export function rangeSplitter(spec: CompareSpec, sides: Sides, settings: SplitSettings): RangeSplitter {
  const [key] = spec.key;
  const type = spec.source.columns.find((c) => c.name === key)?.castType;
  return spec.key.length === 1 && type !== undefined && INTEGER_TYPES.has(type)
    ? new IntegerSplitter(sides, settings, spec.source.estimatedRows)
    : new KeySampleSplitter(sides, settings);
}
