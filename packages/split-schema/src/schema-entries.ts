import { is } from 'drizzle-orm';
import { getTableConfig, isPgEnum, isPgSchema, PgTable } from 'drizzle-orm/pg-core';
import {
  isRelationsV1,
  isRelationsV2Config,
  type RelationsV1,
  type RelationsV2Config,
  type RelationsV2Table,
} from './drizzle-line.js';

/** A schema module object (`import * as x`) or a plain object of tables, enums and relations. */
export type SchemaModule = Readonly<Record<string, unknown>>;

export interface TableEntry {
  readonly key: string;
  readonly table: PgTable;
  /** `undefined` for the default `public` schema. */
  readonly schema: string | undefined;
  readonly qualifiedName: string;
}

/** A v1 `relations(table, ...)` export (drizzle-orm 0.45; 1.0's `drizzle-orm/_relations`). */
export interface RelationsEntry {
  readonly key: string;
  readonly relations: RelationsV1;
  readonly table: PgTable;
}

/** One table's entry of a v2 relations config (drizzle-orm 1.0's `defineRelations`); `key` is its table key. */
export interface RelationsV2Entry {
  readonly key: string;
  readonly table: PgTable;
  readonly config: RelationsV2Table;
}

export interface EnumEntry {
  readonly key: string;
  readonly schema: string | undefined;
  readonly qualifiedName: string;
}

export interface SchemaEntries {
  readonly tables: readonly TableEntry[];
  readonly relations: readonly RelationsEntry[];
  readonly relationsV2: readonly RelationsV2Entry[];
  readonly enums: readonly EnumEntry[];
  /** Names of `pgSchema(...)` objects found among the exports. */
  readonly declaredSchemas: ReadonlySet<string>;
}

export function qualifiedTableName(table: PgTable): string {
  const config = getTableConfig(table);
  return `${config.schema ?? 'public'}.${config.name}`;
}

/**
 * The v2 relations configs among the modules: a module that is one (`relations: defineRelations(...)`), or an
 * export that is one (`export const relations = defineRelations(...)`).
 */
export function relationsV2Configs(modules: readonly SchemaModule[]): RelationsV2Config[] {
  const configs = new Set<RelationsV2Config>();
  for (const module of modules) {
    if (isRelationsV2Config(module)) configs.add(module);
    else for (const value of Object.values(module)) if (isRelationsV2Config(value)) configs.add(value);
  }
  return [...configs];
}

/** Sorts the exports of one or more schema modules by kind; anything else (views, helpers) is ignored. */
export function collectSchemaEntries(modules: readonly SchemaModule[]): SchemaEntries {
  const tables = new Map<PgTable, TableEntry>();
  const relations = new Map<RelationsV1, RelationsEntry>();
  const relationsV2 = new Map<RelationsV2Table, RelationsV2Entry>();
  for (const config of relationsV2Configs(modules)) {
    for (const [key, entry] of Object.entries(config))
      if (!relationsV2.has(entry)) relationsV2.set(entry, { key, table: entry.table, config: entry });
  }
  const enums = new Map<unknown, EnumEntry>();
  const declaredSchemas = new Set<string>();
  for (const module of modules) {
    if (isRelationsV2Config(module)) continue;
    for (const [key, value] of Object.entries(module)) {
      if (is(value, PgTable)) {
        if (tables.has(value)) continue;
        const schema = getTableConfig(value).schema;
        tables.set(value, { key, table: value, schema, qualifiedName: qualifiedTableName(value) });
      } else if (isRelationsV1(value)) {
        if (!relations.has(value)) relations.set(value, { key, relations: value, table: value.table });
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
    relationsV2: [...relationsV2.values()],
    enums: [...enums.values()],
    declaredSchemas,
  };
}
