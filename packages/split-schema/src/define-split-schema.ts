import { MultiDbError } from '@multidb/config';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { DATABASE_NAMES, type DatabaseName } from './database-name.js';
import { folderForInstalledLine, isRelationsV1, type RelationsV2Config } from './drizzle-line.js';
import { relationsV2Configs, type SchemaModule } from './schema-entries.js';
import type { MergeModules, SideSchema } from './side-schema.js';
import { type MigrationsConfig, modulesOf, type SplitSideDeclaration } from './split-declaration.js';
import { describeIssues } from './split-issues.js';
import { validateSplitSchema } from './validate-split-schema.js';

export type AnySchema = Record<string, unknown>;

/** One database of a layout: its pgSchemas, the Drizzle schema object its client uses, its migrations. */
export interface SplitSide<TSchema extends AnySchema = AnySchema> {
  readonly name: DatabaseName;
  readonly schemas: readonly string[];
  /** Tables and (v1) relations of this database, for `drizzle({ schema })` on drizzle-orm 0.45. */
  readonly schema: TSchema;
  /**
   * drizzle-orm 1.0: this database's entries of the layout's `defineRelations(...)` config(s), for
   * `drizzle({ relations })`; `undefined` when the layout has no v2 relations.
   */
  readonly relations: RelationsV2Config | undefined;
  readonly tables: readonly PgTable[];
  readonly migrations: MigrationsConfig;
}

/** A validated, frozen declaration of which pgSchema lives in which database. */
export interface SplitLayout<TPrimary extends AnySchema = AnySchema, TData extends AnySchema = AnySchema> {
  readonly primary: SplitSide<TPrimary>;
  readonly data: SplitSide<TData>;
  /** Both sides: the schema of the one connection when the databases are not split. */
  readonly schema: TPrimary & TData;
  /** Both sides' v2 relations (drizzle-orm 1.0), for the one connection when not split. */
  readonly relations: RelationsV2Config | undefined;
  /** The database of a table, a pgSchema name or a `schema.table` name; throws `UnknownSchema` otherwise. */
  databaseOf(target: PgTable | string): DatabaseName;
}

export interface DefineSplitSchemaInput<
  P extends readonly string[],
  D extends readonly string[],
  T extends SchemaModule | readonly SchemaModule[],
  R extends SchemaModule | readonly SchemaModule[],
> {
  readonly primary: SplitSideDeclaration<P>;
  readonly data: SplitSideDeclaration<D>;
  readonly tables: T;
  readonly relations?: R;
}

type AllOf<T, R> = MergeModules<T> & MergeModules<R>;

/**
 * Declares the split and validates it at once: every problem (a schema listed twice or in neither database, a
 * table in `public`, a foreign key, relation or enum crossing databases) is listed in one `MultiDbError` with
 * code `InvalidSplitSchema` and the issues in `context.issues`.
 */
export function defineSplitSchema<
  const P extends readonly string[],
  const D extends readonly string[],
  const T extends SchemaModule | readonly SchemaModule[],
  const R extends SchemaModule | readonly SchemaModule[] = [],
>(
  input: DefineSplitSchemaInput<P, D, T, R>,
): SplitLayout<SideSchema<AllOf<T, R>, P[number]>, SideSchema<AllOf<T, R>, D[number]>> {
  const issues = validateSplitSchema(input);
  if (issues.length > 0) throw new MultiDbError('InvalidSplitSchema', describeIssues(issues), { issues });

  const owners = new Map<string, DatabaseName>();
  for (const database of DATABASE_NAMES) for (const s of input[database].schemas) owners.set(s, database);
  const modules = [...modulesOf(input.tables), ...modulesOf(input.relations)];
  const sides = Object.fromEntries(
    DATABASE_NAMES.map((database) => [database, buildSide(database, input[database], modules, owners)]),
  ) as Record<DatabaseName, SplitSide>;

  const databaseOf = (target: PgTable | string): DatabaseName => {
    const schema = is(target, PgTable) ? getTableConfig(target).schema : target.split('.')[0];
    const database = schema === undefined ? undefined : owners.get(schema);
    if (database === undefined) {
      const name = is(target, PgTable) ? getTableConfig(target).name : target;
      throw new MultiDbError('UnknownSchema', `"${name}" belongs to no database of this layout`, {
        target: name,
      });
    }
    return database;
  };
  return Object.freeze({
    primary: sides.primary,
    data: sides.data,
    schema: Object.freeze({ ...sides.primary.schema, ...sides.data.schema }),
    relations:
      sides.primary.relations === undefined && sides.data.relations === undefined
        ? undefined
        : Object.freeze({ ...sides.primary.relations, ...sides.data.relations }),
    databaseOf,
  }) as unknown as SplitLayout<SideSchema<AllOf<T, R>, P[number]>, SideSchema<AllOf<T, R>, D[number]>>;
}

function buildSide(
  name: DatabaseName,
  declaration: SplitSideDeclaration,
  modules: readonly SchemaModule[],
  owners: ReadonlyMap<string, DatabaseName>,
): SplitSide {
  const schema: AnySchema = {};
  const tables = new Set<PgTable>();
  const belongs = (table: PgTable) => owners.get(getTableConfig(table).schema ?? 'public') === name;
  for (const module of modules) {
    for (const [key, value] of Object.entries(module)) {
      if (is(value, PgTable) && belongs(value)) {
        schema[key] = value;
        tables.add(value);
      } else if (isRelationsV1(value) && belongs(value.table)) {
        schema[key] = value;
      }
    }
  }
  const configs = relationsV2Configs(modules);
  const relations = Object.fromEntries(
    configs.flatMap((config) => Object.entries(config).filter(([, entry]) => belongs(entry.table))),
  );
  return Object.freeze({
    name,
    schemas: Object.freeze([...declaration.schemas]),
    schema: Object.freeze(schema),
    relations: configs.length === 0 ? undefined : Object.freeze(relations),
    tables: Object.freeze([...tables]),
    migrations: Object.freeze({
      folder: folderForInstalledLine(declaration.migrations?.folder ?? `drizzle/${name}`, name),
      table: declaration.migrations?.table ?? `__migrations_${name}`,
      schema: declaration.migrations?.schema ?? 'drizzle',
    }),
  });
}
