import type { SchemaModule } from './schema-entries.js';

/** Where one database keeps its drizzle migrations: the folder drizzle-kit generates and the table it records in. */
export interface MigrationsConfig {
  /** Folder with `meta/_journal.json`; relative paths resolve against the working directory when used. */
  readonly folder: string;
  readonly table: string;
  readonly schema: string;
}

export interface SplitSideDeclaration<TSchemas extends readonly string[] = readonly string[]> {
  /** The pgSchemas that live in this database. */
  readonly schemas: TSchemas;
  /** Defaults: folder `drizzle/<database>`, table `__migrations_<database>`, schema `drizzle`. */
  readonly migrations?: Partial<MigrationsConfig>;
}

/** The untyped shape `validateSplitSchema` checks; `defineSplitSchema` adds the types. */
export interface SplitSchemaDeclaration {
  readonly primary: SplitSideDeclaration;
  readonly data: SplitSideDeclaration;
  /** Schema module object(s): tables, enums, pgSchema objects and optionally relations. */
  readonly tables: SchemaModule | readonly SchemaModule[];
  /** Relations, when kept apart from the tables. */
  readonly relations?: SchemaModule | readonly SchemaModule[];
}

export function modulesOf(
  value: SchemaModule | readonly SchemaModule[] | undefined,
): readonly SchemaModule[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly SchemaModule[]) : [value as SchemaModule];
}
