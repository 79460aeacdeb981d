import type { MigrationFolders } from './drizzle-line.js';
import type { SchemaModule } from './schema-entries.js';

/** Where one database keeps its drizzle migrations: the folder drizzle-kit generates and the table it records in. */
export interface MigrationsConfig {
  /**
   * The drizzle-kit `out` folder, in the installed drizzle-orm's layout: drizzle-kit 0.31's (`meta/_journal.json`)
   * for drizzle-orm 0.45, 1.0's (`<timestamp>_<name>/migration.sql`) for drizzle-orm 1.0. Relative paths resolve
   * against the working directory when used.
   */
  readonly folder: string;
  readonly table: string;
  readonly schema: string;
}

/**
 * `MigrationsConfig` as declared: `folder` may name one folder per drizzle-orm release line, e.g.
 * `{ '0.45': 'drizzle/primary', '1.0': 'drizzle/1.0/primary' }` for a project that runs on both; the installed
 * line's is used (one missing is an `InvalidSplitSchema` error).
 */
export interface MigrationsDeclaration extends Omit<MigrationsConfig, 'folder'> {
  readonly folder: string | MigrationFolders;
}

export interface SplitSideDeclaration<TSchemas extends readonly string[] = readonly string[]> {
  /** The pgSchemas that live in this database. */
  readonly schemas: TSchemas;
  /** Defaults: folder `drizzle/<database>`, table `__migrations_<database>`, schema `drizzle`. */
  readonly migrations?: Partial<MigrationsDeclaration>;
}

/** The untyped shape `validateSplitSchema` checks; `defineSplitSchema` adds the types. */
export interface SplitSchemaDeclaration {
  readonly primary: SplitSideDeclaration;
  readonly data: SplitSideDeclaration;
  /** Schema module object(s): tables, enums, pgSchema objects and optionally relations. */
  readonly tables: SchemaModule | readonly SchemaModule[];
  /**
   * Relations, when kept apart from the tables: drizzle-orm 0.45's `relations(...)` objects (modules of them), or
   * on 1.0 the result of `defineRelations(schema, r => ...)` (or of `defineRelationsPart`, several allowed).
   */
  readonly relations?: SchemaModule | readonly SchemaModule[];
}

export function modulesOf(
  value: SchemaModule | readonly SchemaModule[] | undefined,
): readonly SchemaModule[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly SchemaModule[]) : [value as SchemaModule];
}
