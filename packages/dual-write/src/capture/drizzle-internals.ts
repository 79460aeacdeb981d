import { MultiDbError } from '@multidb/config';
import type { Column, SQL } from 'drizzle-orm';
import * as drizzle from 'drizzle-orm';
import type { PgDialect, PgSession, PgTable } from 'drizzle-orm/pg-core';

/**
 * The parts of drizzle-orm 0.45's pg-core that capture relies on but that are `@internal` (absent from the type
 * declarations). Everything undocumented we touch is listed here, checked once at load, so a drizzle upgrade that
 * moves them fails loudly instead of silently skipping the backup.
 */
export interface OrderedField {
  readonly path: string[];
  readonly field: unknown;
}

type MapResultRow = (
  fields: readonly OrderedField[],
  row: readonly unknown[],
  joinsNotNullableMap: Record<string, boolean> | undefined,
) => Record<string, unknown>;

/** The mutable config every pg-core mutation builder (insert/update/delete) keeps. */
export interface MutationConfig {
  table: PgTable;
  returning?: OrderedField[];
  returningFields?: Record<string, unknown>;
  set?: Record<string, unknown>;
  from?: unknown;
  joins?: unknown[];
}

/** A pg-core `PgInsertBase` / `PgUpdateBase` / `PgDeleteBase` seen through its runtime (untyped) members. */
export interface MutationBuilderInternals {
  config: MutationConfig;
  session: PgSession;
  dialect: PgDialect;
  cacheConfig?: unknown;
  joinsNotNullableMap?: Record<string, boolean>;
  authToken?: unknown;
  getSQL(): SQL;
  toSQL(): unknown;
  _prepare(name?: string): unknown;
}

/** `PgDialect.casing` (the column-name casing cache). */
export interface CasingLike {
  getColumnCasing(column: Column): string;
}

const runtime = drizzle as unknown as {
  mapResultRow?: MapResultRow;
};

function required<T>(value: T | undefined, name: string): T {
  if (typeof value !== 'function') {
    throw new MultiDbError(
      'DrizzleIncompatible',
      `drizzle-orm no longer exports ${name}; @multidb/dual-write supports drizzle-orm 0.45`,
    );
  }
  return value;
}

export const mapResultRow: MapResultRow = required(runtime.mapResultRow, 'mapResultRow');

export function builderInternals(builder: unknown): MutationBuilderInternals {
  return builder as MutationBuilderInternals;
}

export function dialectCasing(dialect: PgDialect): CasingLike {
  const casing = (dialect as unknown as { casing?: CasingLike }).casing;
  if (casing === undefined || typeof casing.getColumnCasing !== 'function') {
    throw new MultiDbError(
      'DrizzleIncompatible',
      'PgDialect.casing is missing; unsupported drizzle-orm version',
    );
  }
  return casing;
}
