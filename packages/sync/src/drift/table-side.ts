import { quoteIdentifier } from '@multidb/config';
import type { ColumnInfo, TableInfo } from '../catalog/catalog-types.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import { type RowChecksum, rowHashSql } from '../sql/row-hash.js';
import { columnList, type KeyText, keyCompare, keyInJson, rowExpression } from '../sql/table-sql.js';
import type { CompareSpec } from './compare-spec.js';

/** A key range: `lower <= key < upper`; an absent bound is open. */
export interface KeyRange {
  readonly lower: KeyText | undefined;
  readonly upper: KeyText | undefined;
}

export interface RangeSum {
  readonly count: number;
  /** Sum of 60-bit slices of each row's md5, as text (a numeric). */
  readonly sum: string;
}

/** How range checksums hash each row; rows themselves are always compared by md5. */
export type RangeChecksum = RowChecksum;

export const sameSum = (a: RangeSum | undefined, b: RangeSum | undefined): boolean =>
  (a?.count ?? 0) === (b?.count ?? 0) && (a?.sum ?? '0') === (b?.sum ?? '0');

/**
 * The checksum queries for one table on one database. Both sides run the same SQL text over the same columns in
 * the same order, under the same fixed session settings (see FIXED_SETTINGS), so equal rows hash equally.
 */
export class TableSide {
  readonly #endpoint: SqlEndpoint;
  readonly #table: TableInfo;
  readonly #key: readonly string[];
  readonly #row: string;
  readonly #keyText: string;
  readonly #compared: readonly string[];
  readonly #checksum: RangeChecksum;

  constructor(
    endpoint: SqlEndpoint,
    table: TableInfo,
    spec: CompareSpec,
    checksum: RangeChecksum = 'hashtext',
  ) {
    this.#endpoint = endpoint;
    this.#table = table;
    this.#key = spec.key;
    this.#compared = spec.columns;
    this.#checksum = checksum;
    this.#row = `md5(${rowExpression(spec.columns, 'src.')}::text)`;
    this.#keyText = spec.key.map((k) => `src.${quoteIdentifier(k)}::text`).join(', ');
  }

  get #columns(): readonly ColumnInfo[] {
    return this.#table.columns;
  }

  #where(range: KeyRange, firstParam = 1): { sql: string; params: string[] } {
    const parts: string[] = [];
    const params: string[] = [];
    if (range.lower) {
      parts.push(keyCompare(this.#key, this.#columns, '>=', firstParam));
      params.push(...range.lower);
    }
    if (range.upper) {
      parts.push(keyCompare(this.#key, this.#columns, '<', firstParam + params.length));
      params.push(...range.upper);
    }
    return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
  }

  #values(text: string, params: readonly unknown[], settings = ''): Promise<unknown[][]> {
    return this.#endpoint.transaction(
      async (tx) => {
        if (settings) await tx.execute(settings);
        return tx.values(text, params);
      },
      { readOnly: true },
    );
  }

  /**
   * The per-row value summed over a range (see rowHashSql). Either way a differing range is confirmed row by row
   * with md5 before anything is reported, so a hash that differed between servers would cost time, never a false
   * difference.
   */
  get #hash(): string {
    return rowHashSql(this.#compared, 'src.', this.#checksum);
  }

  async rangeSum(range: KeyRange): Promise<RangeSum> {
    const where = this.#where(range);
    const [row] = await this.#values(
      `SELECT count(*)::text, coalesce(sum(${this.#hash}), 0)::text FROM ${this.#table.sqlName} AS src ${where.sql}`,
      where.params,
    );
    return { count: Number(row?.[0] ?? 0), sum: String(row?.[1] ?? '0') };
  }

  /**
   * One scan, one sum per bucket: bucket i holds `thresholds[i-1] <= key < thresholds[i]` (width_bucket), for a
   * single-column key. Bucket 0 is below the first threshold.
   */
  async bucketSums(thresholds: readonly KeyText[], range: KeyRange): Promise<Map<number, RangeSum>> {
    const [keyName] = this.#key as [string];
    const type = (this.#columns.find((c) => c.name === keyName) as ColumnInfo).castType;
    const where = this.#where(range, 2);
    // Few groups: a hash aggregate; the planner cannot tell and would sort the whole range instead.
    const rows = await this.#values(
      `SELECT width_bucket(src.${quoteIdentifier(keyName)},
          ARRAY(SELECT x::${type} FROM json_array_elements_text($1::text::json) AS x)) AS bucket,
        count(*)::text, coalesce(sum(${this.#hash}), 0)::text
       FROM ${this.#table.sqlName} AS src ${where.sql} GROUP BY 1`,
      [JSON.stringify(thresholds.map((t) => t[0])), ...where.params],
      'SET LOCAL enable_sort = off',
    );
    return new Map(rows.map((r) => [Number(r[0]), { count: Number(r[1]), sum: String(r[2]) }]));
  }

  /** Smallest and largest key (single-column keys), `undefined` on an empty table. */
  async keySpan(): Promise<{ min: string; max: string } | undefined> {
    const key = `src.${quoteIdentifier(this.#key[0] as string)}`;
    const [row] = await this.#values(
      `SELECT min(${key})::text, max(${key})::text FROM ${this.#table.sqlName} AS src`,
      [],
    );
    return row?.[0] == null ? undefined : { min: String(row[0]), max: String(row[1]) };
  }

  /** Every `step`-th key within the range, in key order: split points for checksum ranges. */
  async boundaries(range: KeyRange, step: number): Promise<KeyText[]> {
    const where = this.#where(range, 2);
    const rows = await this.#values(
      `SELECT ${this.#key.map((_, i) => `k${i}`).join(', ')} FROM (
         SELECT ${this.#key.map((k, i) => `src.${quoteIdentifier(k)}::text AS k${i}`).join(', ')},
           row_number() OVER (ORDER BY ${columnList(this.#key, 'src.')}) AS rn
         FROM ${this.#table.sqlName} AS src ${where.sql}) AS s
       WHERE rn % $1 = 0 ORDER BY rn`,
      [step, ...where.params],
    );
    return rows.map((r) => r.map(String));
  }

  /** Key (as JSON of its text values) → md5 of the row, for every row of a (small) range. */
  async rowHashes(range: KeyRange): Promise<Map<string, string>> {
    const where = this.#where(range);
    return this.#hashMap(
      `SELECT ${this.#keyText}, ${this.#row} FROM ${this.#table.sqlName} AS src ${where.sql}`,
      where.params,
    );
  }

  /** The same for given keys; keys not found are absent from the map. */
  rowHashesByKeys(keys: readonly KeyText[]): Promise<Map<string, string>> {
    const where = keyInJson(this.#key, this.#columns, 1);
    return this.#hashMap(
      `SELECT ${this.#keyText}, ${this.#row} FROM ${this.#table.sqlName} AS src WHERE ${where}`,
      [JSON.stringify(keys)],
    );
  }

  async #hashMap(text: string, params: readonly unknown[]): Promise<Map<string, string>> {
    const rows = await this.#values(text, params);
    const width = this.#key.length;
    return new Map(rows.map((r) => [JSON.stringify(r.slice(0, width)), String(r[width])]));
  }
}
