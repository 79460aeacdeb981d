import { err, ok, type Result } from 'neverthrow';
import { parseTableName } from '../sql/qualified-name.js';
import type { TableInfo } from './catalog-types.js';

export type TableSelectionError =
  | {
      readonly type: 'InvalidTableName';
      readonly input: string;
      readonly reason: string;
      readonly message: string;
    }
  | { readonly type: 'UnknownTable'; readonly names: readonly string[]; readonly message: string }
  | {
      readonly type: 'AmbiguousTable';
      readonly name: string;
      readonly matches: readonly string[];
      readonly message: string;
    };

/**
 * The tables named by the user (`table` or `schema.table`), or every table when none are named. Every name must
 * match exactly one table; nothing runs otherwise.
 */
export function selectTables(
  tables: readonly TableInfo[],
  names: readonly string[] | undefined,
): Result<TableInfo[], TableSelectionError> {
  if (names === undefined || names.length === 0) return ok([...tables]);
  const chosen = new Map<string, TableInfo>();
  const unknown: string[] = [];
  for (const input of names) {
    const parsed = parseTableName(input);
    if (parsed.isErr()) {
      const { reason } = parsed.error;
      return err({
        type: 'InvalidTableName',
        input,
        reason,
        message: `invalid table name ${input}: ${reason}`,
      });
    }
    const { schema, name } = parsed.value;
    const matches = tables.filter((t) => t.name === name && (schema === undefined || t.schema === schema));
    if (matches.length === 0) unknown.push(input);
    else if (matches.length > 1) {
      const shown = matches.map((m) => m.display);
      return err({
        type: 'AmbiguousTable',
        name: input,
        matches: shown,
        message: `table ${input} exists in several schemas (${shown.join(', ')}): qualify it`,
      });
    } else chosen.set((matches[0] as TableInfo).id, matches[0] as TableInfo);
  }
  if (unknown.length > 0) {
    return err({ type: 'UnknownTable', names: unknown, message: `unknown table(s): ${unknown.join(', ')}` });
  }
  return ok(tables.filter((t) => chosen.has(t.id)));
}
