import type { AnyPgDatabase } from '@multidb/config';
import type { Column } from 'drizzle-orm';
// Namespace imports: a member that exists on 0.45 only is `undefined` on 1.0 instead of a module link error.
import * as drizzle from 'drizzle-orm';
import type { PgDialect, PgTable } from 'drizzle-orm/pg-core';
import * as pgCore from 'drizzle-orm/pg-core';
import {
  type ColumnNaming,
  type DrizzleInternals,
  incompatible,
  type OrderedField,
  requiredFunction,
} from './line-internals.js';

type MapResultRow = (
  fields: readonly OrderedField[],
  row: readonly unknown[],
  joinsNotNullableMap: Record<string, boolean> | undefined,
) => Record<string, unknown>;

type OrderSelectedFields = (fields: Record<string, unknown>) => OrderedField[];

interface Session045 {
  prepareQuery(
    query: unknown,
    fields: undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][]) => unknown,
    queryMetadata?: { type: string; tables: string[] },
    cacheConfig?: unknown,
  ): { execute(...args: unknown[]): Promise<unknown> };
}

/**
 * drizzle-orm 0.45: `PgDialect.casing` names columns, `mapResultRow` maps array rows, and
 * `session.prepareQuery(query, fields, name, isResponseInArrayMode, customResultMapper, queryMetadata,
 * cacheConfig)` prepares.
 */
export function drizzle045(): DrizzleInternals {
  const runtime = drizzle as unknown as {
    mapResultRow?: MapResultRow;
    orderSelectedFields?: OrderSelectedFields;
  };
  const mapResultRow = requiredFunction(runtime.mapResultRow, 'mapResultRow');
  const orderSelectedFields = requiredFunction(runtime.orderSelectedFields, 'orderSelectedFields');
  const extractUsedTable = requiredFunction(
    (pgCore as unknown as { extractUsedTable?: (table: PgTable) => string[] }).extractUsedTable,
    'pg-core extractUsedTable',
  );
  const PgDialectClass = pgCore.PgDialect;
  const casingOf = (dialect: PgDialect | undefined): ColumnNaming => {
    const casing = (
      dialect as unknown as { casing?: { getColumnCasing?: (c: Column) => string } } | undefined
    )?.casing;
    const getColumnCasing = casing?.getColumnCasing;
    if (typeof getColumnCasing !== 'function') throw incompatible('PgDialect.casing is missing');
    return {
      dbName: (column) => getColumnCasing.call(casing, column),
      sqlType: (column) => column.getSQLType(),
    };
  };
  casingOf(new PgDialectClass());
  return {
    line: '0.45',
    checkDatabase(db) {
      casingOf((db as unknown as { dialect?: PgDialect }).dialect);
    },
    columns(db: AnyPgDatabase | undefined) {
      const dialect = (db as unknown as { dialect?: PgDialect } | undefined)?.dialect;
      return casingOf(dialect ?? new PgDialectClass());
    },
    orderFields: (fields) => orderSelectedFields(fields),
    statementSql: (builder, getSQL) => getSQL.call(builder),
    rowsMapper(builder, fields) {
      const joins = builder.joinsNotNullableMap;
      return (rows) => rows.map((raw) => mapResultRow(fields, raw, joins));
    },
    prepareArrays(builder, query, name, mapper, kind) {
      return (builder.session as unknown as Session045).prepareQuery(
        query,
        undefined,
        typeof name === 'string' ? name : undefined,
        true,
        mapper,
        { type: kind, tables: extractUsedTable(builder.config.table) },
        builder.cacheConfig,
      );
    },
    prepareObjects: (db, query, name) =>
      (db._.session as unknown as Session045).prepareQuery(query, undefined, name, false),
  };
}
