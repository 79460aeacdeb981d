import { err, ok, type Result } from 'neverthrow';
import type { ColumnInfo, TableInfo } from './catalog-types.js';

/** How one table is read on the source and written on the target. */
export interface TablePair {
  readonly source: TableInfo;
  readonly target: TableInfo;
  /** Key column names, in key order. */
  readonly key: readonly string[];
  /** Columns read from the source and written to the target, in source order (target's column info). */
  readonly columns: readonly ColumnInfo[];
  /** Source column info for the same columns (cast types for key predicates on the source). */
  readonly sourceColumns: readonly ColumnInfo[];
  /** Position of each key column within `columns`. */
  readonly keyIndexes: readonly number[];
  /** Some written column is an identity column: inserts need OVERRIDING SYSTEM VALUE. */
  readonly identity: boolean;
  readonly warnings: readonly string[];
}

export type TablePairError =
  | { readonly type: 'MissingOnTarget'; readonly message: string }
  | { readonly type: 'NoKey'; readonly message: string }
  | { readonly type: 'KeyMismatch'; readonly message: string }
  | { readonly type: 'ColumnMismatch'; readonly message: string };

const MISSING: TablePairError = {
  type: 'MissingOnTarget',
  message: 'missing on the target (create it there first, e.g. run the migrations on the backup)',
};

const list = (names: readonly string[]) => names.map((n) => JSON.stringify(n)).join(', ');

/**
 * Matches a source table with its target twin for copying: same key, and every source column that holds data
 * (generated columns excluded) present and writable on the target. Type differences are warnings: the
 * target casts the source's text output and reports values that do not fit.
 */
export function pairTables(
  source: TableInfo,
  target: TableInfo | undefined,
): Result<TablePair, TablePairError> {
  if (target === undefined) return err(MISSING);
  if (source.key === undefined) {
    return err({
      type: 'NoKey',
      message:
        'no primary key and no unique index over NOT NULL columns: rows cannot be addressed by key (copied whole instead)',
    });
  }
  const key = source.key.columns;
  const targetKey = target.key?.columns ?? [];
  if (targetKey.join('\u0000') !== key.join('\u0000')) {
    return err({
      type: 'KeyMismatch',
      message: `key (${list(key)}) on the source but (${list(targetKey)}) on the target`,
    });
  }
  const columns = matchColumns(source, target);
  if (columns.isErr()) return err(columns.error);
  const keyIndexes = key.map((k) => columns.value.columns.findIndex((c) => c.name === k));
  if (keyIndexes.includes(-1)) {
    return err({ type: 'KeyMismatch', message: 'a key column is generated' });
  }
  return ok({ source, target, key, keyIndexes, ...columns.value });
}

/**
 * A table without a usable key, paired for a whole-table copy (empty the target table, copy every row): the
 * same column checks as {@link pairTables}, with an empty key. The target's own key, if any, does not matter.
 */
export function pairWholeTable(
  source: TableInfo,
  target: TableInfo | undefined,
): Result<TablePair, TablePairError> {
  if (target === undefined) return err(MISSING);
  const columns = matchColumns(source, target);
  if (columns.isErr()) return err(columns.error);
  return ok({ source, target, key: [], keyIndexes: [], ...columns.value });
}

type MatchedColumns = Pick<TablePair, 'columns' | 'sourceColumns' | 'identity' | 'warnings'>;

/** Every source column that holds data present and writable on the target; type differences are warnings. */
function matchColumns(source: TableInfo, target: TableInfo): Result<MatchedColumns, TablePairError> {
  const targetByName = new Map(target.columns.map((c) => [c.name, c]));
  const sourceColumns = source.columns.filter((c) => !c.generated);
  const missing = sourceColumns.filter((c) => !targetByName.has(c.name)).map((c) => c.name);
  const generatedOnTarget = sourceColumns
    .filter((c) => targetByName.get(c.name)?.generated)
    .map((c) => c.name);
  if (missing.length > 0 || generatedOnTarget.length > 0) {
    const parts = [
      missing.length > 0 ? `missing on the target: ${list(missing)}` : '',
      generatedOnTarget.length > 0 ? `generated on the target: ${list(generatedOnTarget)}` : '',
    ].filter(Boolean);
    return err({ type: 'ColumnMismatch', message: `columns ${parts.join('; ')}` });
  }
  const columns = sourceColumns.map((c) => targetByName.get(c.name) as ColumnInfo);
  const warnings: string[] = [];
  for (const c of sourceColumns) {
    const t = targetByName.get(c.name) as ColumnInfo;
    if (t.type !== c.type)
      warnings.push(`column ${JSON.stringify(c.name)} is ${c.type} on the source, ${t.type} on the target`);
  }
  const copied = new Set(columns.map((c) => c.name));
  const extra = target.columns.filter((c) => !c.generated && !copied.has(c.name)).map((c) => c.name);
  if (extra.length > 0) warnings.push(`target-only columns keep their defaults: ${list(extra)}`);
  return ok({ columns, sourceColumns, identity: columns.some((c) => c.identity !== ''), warnings });
}
