import { err, ok, type Result } from 'neverthrow';
import type { TableInfo } from '../catalog/catalog-types.js';

/** What is compared for one table: its key and the columns both sides hold with the same type. */
export interface CompareSpec {
  readonly source: TableInfo;
  readonly target: TableInfo;
  readonly key: readonly string[];
  /** In source column order, key columns included. */
  readonly columns: readonly string[];
  /** Columns left out because they are missing on one side or have another type there. */
  readonly ignored: readonly string[];
}

/**
 * Data comparison must not lie when the schemas differ: only columns present on both sides with the same type
 * are compared, and the others are named in the report. A table whose key columns are not comparable is skipped.
 */
export function compareSpec(source: TableInfo, target: TableInfo): Result<CompareSpec, string> {
  if (source.key === undefined) {
    return err(
      'no primary key and no unique index over NOT NULL columns: compared by row count and a checksum of all rows (duplicates count); --repair replaces the whole table',
    );
  }
  const targetTypes = new Map(target.columns.map((c) => [c.name, c.type]));
  const same = (name: string, type: string) => targetTypes.get(name) === type;
  const columns = source.columns.filter((c) => same(c.name, c.type)).map((c) => c.name);
  const ignored = [
    ...source.columns.filter((c) => !same(c.name, c.type)).map((c) => c.name),
    ...target.columns.filter((c) => !source.columns.some((s) => s.name === c.name)).map((c) => c.name),
  ];
  const key = source.key.columns;
  if (!key.every((k) => columns.includes(k))) {
    return err(`key column(s) ${key.join(', ')} differ between the source and the target`);
  }
  return ok({ source, target, key, columns, ignored });
}
