import { quoteIdentifier } from '@multidb/config';
import type { TablePair } from '../catalog/table-pair.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import type { KeyText } from '../sql/table-sql.js';

/** A key slice of a table copied on its own, concurrently with the others. */
export interface Lane {
  readonly index: number;
  readonly lower: KeyText | undefined;
  readonly upper: KeyText | undefined;
}

const INTEGER_TYPES = new Set(['"pg_catalog"."int2"', '"pg_catalog"."int4"', '"pg_catalog"."int8"']);

/**
 * Splits a table with a single integer key into `wanted` lanes of equal key span (the outer ones open-ended, so
 * keys added meanwhile are covered). Any other key, a small table or `wanted` 1: one lane, the whole table.
 */
export async function planLanes(
  source: SqlEndpoint,
  pair: TablePair,
  wanted: number,
  minRowsPerLane: number,
): Promise<Lane[]> {
  const whole: Lane[] = [{ index: 0, lower: undefined, upper: undefined }];
  const keyType = pair.sourceColumns.find((c) => c.name === pair.key[0])?.castType;
  if (wanted <= 1 || pair.key.length !== 1 || keyType === undefined || !INTEGER_TYPES.has(keyType))
    return whole;
  if (pair.source.estimatedRows >= 0 && pair.source.estimatedRows < wanted * minRowsPerLane) return whole;
  const key = quoteIdentifier(pair.key[0] as string);
  const [span] = await source.rows<{ lo: string | null; hi: string | null }>(
    `SELECT min(${key})::text AS lo, max(${key})::text AS hi FROM ${pair.source.sqlName}`,
  );
  if (span?.lo == null || span.hi == null) return whole;
  const lo = BigInt(span.lo);
  const width = BigInt(span.hi) + 1n - lo;
  const lanes = BigInt(wanted);
  if (width < lanes * 2n) return whole;
  const cut = (i: bigint): KeyText => [(lo + (width * i) / lanes).toString()];
  return Array.from({ length: wanted }, (_, i) => ({
    index: i,
    lower: i === 0 ? undefined : cut(BigInt(i)),
    upper: i === wanted - 1 ? undefined : cut(BigInt(i + 1)),
  }));
}
