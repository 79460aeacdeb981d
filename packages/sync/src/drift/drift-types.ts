import type { SchemaFilter } from '../catalog/schema-filter.js';
import type { TableSelectionError } from '../catalog/select-tables.js';
import type { SetupError } from '../endpoint/open-databases.js';
import type { DatabaseInput } from '../endpoint/resolve-endpoint.js';

export interface DriftOptions extends SchemaFilter {
  /** The primary: the reference. */
  readonly source: DatabaseInput;
  /** The backup: compared with (and, with `repair`, fixed from) the source. */
  readonly target: DatabaseInput;
  readonly tables?: readonly string[];
  /** Upsert missing and changed rows from the source, delete extra rows, then verify again. */
  readonly repair?: boolean;
  /** Wait before checking differing rows again, so writes in flight drop out (default 1000 ms; 0 skips). */
  readonly recheckDelayMs?: number;
  /** Rows per top-level checksum range (default 10,000). */
  readonly chunkRows?: number;
  /** Ranges at or below this many rows are compared row by row (default 1000). */
  readonly leafRows?: number;
  /** Sub-ranges per split when bisecting (default 16). */
  readonly fanout?: number;
  /**
   * Per-row hash summed over each key range: `hashtext` (default; PostgreSQL's 64-bit `hashtextextended`, fast)
   * or `md5` (a 60-bit md5 slice). Rows of differing ranges are always compared by md5.
   */
  readonly checksum?: 'hashtext' | 'md5';
  /**
   * `repair` replaces a table without a usable key (empties it and copies it whole) only up to this many source
   * rows (default 1,000,000); a larger one is reported unrepaired until the limit is raised.
   */
  readonly maxReplaceRows?: number;
  /** Differing rows listed per table (default 10,000); counts stay exact beyond it. */
  readonly maxRowDiffs?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export type SchemaDifferenceKind = 'table' | 'column' | 'key' | 'index' | 'enum';

export interface SchemaDifference {
  readonly kind: SchemaDifferenceKind;
  /** `schema.table`, `schema.table.column`, `schema.table index name`, `schema.enum`. */
  readonly object: string;
  readonly difference: 'missing-on-target' | 'extra-on-target' | 'different';
  readonly source: string | undefined;
  readonly target: string | undefined;
}

export type RowDifferenceKind = 'missing' | 'extra' | 'changed';

export interface RowDifference {
  readonly kind: RowDifferenceKind;
  /** Key column → value in text form. */
  readonly key: Readonly<Record<string, string>>;
}

export interface RepairOutcome {
  /** The table had no usable key and was replaced whole: `deleted` target rows, `upserted` copied ones. */
  readonly replaced: boolean;
  readonly upserted: number;
  readonly deleted: number;
  /** Compared again after the repair and found equal. */
  readonly verified: boolean;
  readonly error: string | undefined;
}

export interface TableDriftReport {
  readonly table: string;
  /** `skipped`: missing on the target; `error`: a query failed (see `reason`). */
  readonly status: 'clean' | 'drift' | 'skipped' | 'error';
  /**
   * `keyed`: checksums per key range, narrowed down to rows; `whole-table`: no usable key, so the row count and
   * a multiset checksum of all rows (duplicates count) are compared, and rows are not listed.
   */
  readonly comparison: 'keyed' | 'whole-table';
  readonly sourceRows: number;
  readonly targetRows: number;
  /** The columns whose values were compared; columns that differ in the schema are left out and listed. */
  readonly comparedColumns: readonly string[];
  readonly ignoredColumns: readonly string[];
  readonly ranges: number;
  readonly mismatchedRanges: number;
  readonly missing: number;
  readonly extra: number;
  readonly changed: number;
  /** Rows that differed at first and agreed on the recheck (writes that were in flight). */
  readonly settledOnRecheck: number;
  readonly rows: readonly RowDifference[];
  readonly truncated: boolean;
  readonly repair: RepairOutcome | undefined;
  readonly reason: string | undefined;
  readonly ms: number;
}

export interface DriftReport {
  /** No schema difference and every compared table equal (after the repair, when one ran). */
  readonly clean: boolean;
  /** Drift was found (before any repair). */
  readonly driftFound: boolean;
  /** Some table could not be compared (status `error`). */
  readonly errors: boolean;
  readonly repaired: boolean;
  readonly schema: readonly SchemaDifference[];
  readonly tables: readonly TableDriftReport[];
  readonly ms: number;
}

export type DriftError = SetupError | TableSelectionError;
