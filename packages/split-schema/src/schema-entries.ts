import { is, Relations } from 'drizzle-orm';
import { getTableConfig, isPgEnum, isPgSchema, PgTable } from 'drizzle-orm/pg-core';

/** A schema module object (`import * as x`) or a plain object of tables, enums and relations. */
export type SchemaModule = Readonly<Record<string, unknown>>;

export interface TableEntry {
  readonly key: string;
  readonly table: PgTable;
  /** `undefined` for the default `public` schema. */
  readonly schema: string | undefined;
  readonly qualifiedName: string;
}

export interface RelationsEntry {
  readonly key: string;
  readonly relations: Relations;
  readonly table: PgTable;
}

export interface EnumEntry {
  readonly key: string;
  readonly schema: string | undefined;
  readonly qualifiedName: string;
}

export interface SchemaEntries {
  readonly tables: readonly TableEntry[];
  readonly relations: readonly RelationsEntry[];
  readonly enums: readonly EnumEntry[];
  /** Names of `pgSchema(...)` objects found among the exports. */
  readonly declaredSchemas: ReadonlySet<string>;
}

export function qualifiedTableName(table: PgTable): string {
  const config = getTableConfig(table);
  return `${config.schema ?? 'public'}.${config.name}`;
}

/** Sorts the exports of one or more schema modules by kind; anything else (views, helpers) is ignored. */
export function collectSchemaEntries(modules: readonly SchemaModule[]): SchemaEntries {
  const tables = new Map<PgTable, TableEntry>();
  const relations = new Map<Relations, RelationsEntry>();
  const enums = new Map<unknown, EnumEntry>();
  const declaredSchemas = new Set<string>();
  for (const module of modules) {
    for (const [key, value] of Object.entries(module)) {
      if (is(value, PgTable)) {
        if (tables.has(value)) continue;
        const schema = getTableConfig(value).schema;
        tables.set(value, { key, table: value, schema, qualifiedName: qualifiedTableName(value) });
      } else if (is(value, Relations)) {
        if (!relations.has(value))
          relations.set(value, { key, relations: value, table: value.table as PgTable });
      } else if (isPgEnum(value)) {
        const schema = (value as { schema?: string }).schema;
        enums.set(value, { key, schema, qualifiedName: `${schema ?? 'public'}.${value.enumName}` });
      } else if (isPgSchema(value)) {
        declaredSchemas.add(value.schemaName);
      }
    }
  }
  return {
    tables: [...tables.values()],
    relations: [...relations.values()],
    enums: [...enums.values()],
    declaredSchemas,
  };
}
