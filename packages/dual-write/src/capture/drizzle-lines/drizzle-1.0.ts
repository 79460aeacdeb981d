import { MultiDbError } from '@multidb/config';
// A namespace import: a member that exists on 1.0 only is `undefined` on 0.45 instead of a module link error.
import * as drizzle from 'drizzle-orm';
import {
  type ColumnNaming,
  type DrizzleInternals,
  incompatible,
  type OrderedField,
  type RowsMapper,
  requiredFunction,
} from './line-internals.js';

type Mode = 'arrays' | 'objects' | 'raw';

/** `PgDialect` of 1.0: codecs decide how values are cast in SQL and decoded in JavaScript. */
interface Dialect10 {
  readonly codecs: unknown;
  readonly mapperGenerators?: {
    rows?(fields: readonly OrderedField[], nullableObjectPaths: string[] | undefined): RowsMapper;
  };
  readonly shapeGenerator?: unknown;
}

interface Session10 {
  prepareQuery(
    query: unknown,
    mode: Mode,
    name: string | boolean,
    mapper?: (rows: unknown[][]) => unknown,
    queryMetadata?: { type: string; tables: () => string[] },
    cacheConfig?: unknown,
  ): { execute(...args: unknown[]): Promise<unknown> };
}

type OrderSelectedFields = (
  fields: Record<string, unknown>,
  pathPrefix: undefined,
  codecs: unknown,
) => OrderedField[];
type ResolveNullableObjectPaths = (
  fields: readonly OrderedField[],
  joinsNotNullableMap: Record<string, boolean> | undefined,
) => string[] | undefined;

/**
 * A column's name is final on its table in 1.0 (`casing` moved from `drizzle()` to `pgTableWithCasing` and
 * friends); an array column is its element type with `dimensions` (`jsonb().array()` says `jsonb`, 0.45 `jsonb[]`).
 */
const COLUMNS: ColumnNaming = {
  dbName: (column) => column.name,
  sqlType: (column) =>
    `${column.getSQLType()}${'[]'.repeat((column as unknown as { dimensions?: number }).dimensions ?? 0)}`,
};

/**
 * drizzle-orm 1.0: mutation builders run `getSQL(true)` (the dialect's selection cast codecs, e.g. bigint as text
 * on PGlite), map array rows with `dialect.mapperGenerators.rows` (interpreted or JIT, decoding through the
 * codecs' `normalize`), and prepare with `session.prepareQuery(query, mode, name, mapper, queryMetadata)`.
 * Capture runs in `arrays` mode with the same mapper Drizzle would build, so the caller's rows are exactly
 * Drizzle's; the backup's values never pass through a codec (they are the primary's own texts).
 */
export function drizzle10(): DrizzleInternals {
  const runtime = drizzle as unknown as {
    orderSelectedFields?: OrderSelectedFields;
    resolveNullableObjectPaths?: ResolveNullableObjectPaths;
    CacheKey?: unknown;
  };
  const orderSelectedFields = requiredFunction(runtime.orderSelectedFields, 'orderSelectedFields');
  const nullablePaths = requiredFunction(runtime.resolveNullableObjectPaths, 'resolveNullableObjectPaths');
  const cacheKey = runtime.CacheKey;
  if (typeof cacheKey !== 'symbol') throw incompatible('drizzle-orm has no CacheKey symbol');
  const dialectOf = (holder: unknown): Dialect10 => {
    const dialect = (holder as { dialect?: Dialect10 }).dialect;
    if (typeof dialect?.mapperGenerators?.rows !== 'function' || dialect.codecs === undefined) {
      throw incompatible('PgDialect.mapperGenerators.rows / PgDialect.codecs are missing');
    }
    return dialect;
  };
  return {
    line: '1.0',
    checkDatabase(db) {
      const dialect = dialectOf(db);
      if (dialect.shapeGenerator !== undefined) {
        // drizzle-orm/postgres decodes rows by a generated shape, not positionally: capture's extra RETURNING
        // values could not be split off the caller's. Refused rather than risk a wrong copy.
        throw new MultiDbError(
          'UnsupportedDriver',
          'the backup wrapper does not support a database whose rows are decoded by shape (drizzle-orm/postgres): use drizzle-orm/postgres-js, drizzle-orm/node-postgres or drizzle-orm/pglite',
        );
      }
    },
    columns: () => COLUMNS,
    orderFields: (fields, dialect) =>
      orderSelectedFields(fields, undefined, (dialect as unknown as Dialect10).codecs),
    statementSql: (builder, getSQL) => getSQL.call(builder, true),
    rowsMapper(builder, fields) {
      const rows = dialectOf(builder).mapperGenerators?.rows as NonNullable<
        NonNullable<Dialect10['mapperGenerators']>['rows']
      >;
      return rows(fields, nullablePaths(fields, builder.joinsNotNullableMap));
    },
    prepareArrays(builder, query, name, mapper, kind) {
      const table = builder.config.table as unknown as Record<symbol, string>;
      return (builder.session as unknown as Session10).prepareQuery(query, 'arrays', name ?? false, mapper, {
        type: kind,
        tables: () => [table[cacheKey] as string],
      });
    },
    prepareObjects: (db, query, name) =>
      (db._.session as unknown as Session10).prepareQuery(query, 'objects', name ?? false),
  };
}
