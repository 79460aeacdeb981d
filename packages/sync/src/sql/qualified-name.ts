import { quoteIdentifier } from '@multidb/config';
import { err, ok, type Result } from 'neverthrow';

/** A table name as a user typed it: `table`, `schema.table`, with `"double quotes"` around odd parts. */
export interface TableName {
  readonly schema: string | undefined;
  readonly name: string;
}

export interface NameSyntaxError {
  readonly type: 'InvalidTableName';
  readonly input: string;
  readonly reason: string;
}

/**
 * Parses `a.b`, `"we.ird"."na""me"`, `plain`. Unquoted parts are kept as typed (not folded to lower case), so
 * `Users` matches the table `Users`; quote a name that contains dots or commas.
 */
export function parseTableName(input: string): Result<TableName, NameSyntaxError> {
  const parts: string[] = [];
  let i = 0;
  const fail = (reason: string) => err({ type: 'InvalidTableName' as const, input, reason });
  while (i <= input.length) {
    let part = '';
    if (input[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= input.length) return fail('unterminated quoted identifier');
        if (input[i] === '"') {
          if (input[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        part += input[i];
        i += 1;
      }
    } else {
      while (i < input.length && input[i] !== '.') {
        if (input[i] === '"') return fail('a quote in the middle of an unquoted name');
        part += input[i];
        i += 1;
      }
      part = part.trim();
    }
    if (part.length === 0) return fail('empty name part');
    parts.push(part);
    if (i >= input.length) break;
    if (input[i] !== '.') return fail(`unexpected character after a quoted name: ${input[i]}`);
    i += 1;
  }
  if (parts.length === 1) return ok({ schema: undefined, name: parts[0] as string });
  if (parts.length === 2) return ok({ schema: parts[0], name: parts[1] as string });
  return fail('expected table or schema.table');
}

/** Splits a `--tables` list on commas that are not inside double quotes. */
export function splitTableList(input: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of input) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      items.push(current.trim());
      current = '';
    } else current += ch;
  }
  items.push(current.trim());
  return items.filter((item) => item.length > 0);
}

/** One name as shown to people: quoted only when needed. */
export const displayPart = (part: string): string =>
  /^[a-z_][a-z0-9_$]*$/.test(part) ? part : quoteIdentifier(part);

/** How a table is shown to people: `schema.table`, parts quoted only when needed. */
export function displayName(schema: string, name: string): string {
  return `${displayPart(schema)}.${displayPart(name)}`;
}
