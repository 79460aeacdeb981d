/** One column, as the catalog describes it. */
export interface ColumnInfo {
  readonly name: string;
  /** 1-based position among live columns (dropped columns skipped). */
  readonly position: number;
  /** `format_type` with modifiers, e.g. `character varying(20)`: for people and schema comparison. */
  readonly type: string;
  /** The type to cast text to: quoted `schema.typname`, without modifiers (assignment applies them). */
  readonly castType: string;
  readonly notNull: boolean;
  /** `a` (ALWAYS), `d` (BY DEFAULT) or `''`. */
  readonly identity: '' | 'a' | 'd';
  /** Generated columns are computed by the target; never inserted. */
  readonly generated: boolean;
  readonly collation: string | null;
  /** The owned sequence (serial or identity), quoted and qualified. */
  readonly sequence: string | undefined;
}

export interface ForeignKeyInfo {
  readonly name: string;
  /** Qualified id (`schema.table` as JSON pair) of the referencing and referenced tables. */
  readonly from: string;
  readonly to: string;
  readonly columns: readonly string[];
  readonly refColumns: readonly string[];
  readonly deferrable: boolean;
}

export interface IndexInfo {
  readonly name: string;
  /** `pg_get_indexdef` with the index name and schema replaced, so equal indexes compare equal. */
  readonly definition: string;
  readonly primary: boolean;
  readonly unique: boolean;
}

/** The key rows are addressed by: the primary key, else a unique index over NOT NULL columns. */
export interface RowKey {
  readonly columns: readonly string[];
  readonly source: 'primary-key' | 'unique-index';
  readonly constraint: string;
}

export interface TableInfo {
  /** Stable id within one run: JSON of `[schema, name]`. */
  readonly id: string;
  readonly schema: string;
  readonly name: string;
  /** `schema.table` for people; parts quoted when needed. */
  readonly display: string;
  /** `"schema"."table"` for SQL. */
  readonly sqlName: string;
  readonly partitioned: boolean;
  readonly columns: readonly ColumnInfo[];
  readonly key: RowKey | undefined;
  readonly indexes: readonly IndexInfo[];
  /** From `reltuples`; -1 when never analysed. */
  readonly estimatedRows: number;
}

export interface EnumInfo {
  readonly schema: string;
  readonly name: string;
  readonly labels: readonly string[];
}

/** What introspection found in one database. */
export interface Catalog {
  readonly tables: readonly TableInfo[];
  readonly foreignKeys: readonly ForeignKeyInfo[];
  readonly enums: readonly EnumInfo[];
  readonly serverVersion: number;
}

export function tableId(schema: string, name: string): string {
  return JSON.stringify([schema, name]);
}
