import { MultiDbError } from './errors.js';

// The one SQL quoting module of the toolkit. Values travel as parameters wherever a statement can take them;
// these are for the text that cannot (identifiers, DDL, `COPY (…) TO`, `create subscription … connection '…'`).

/**
 * `"name"` with embedded quotes doubled: any name, hostile ones included, is one identifier. Refuses an empty
 * name and NUL (PostgreSQL has neither). Names longer than 63 bytes are truncated by the server, as always.
 */
export function quoteIdentifier(name: string): string {
  if (name.length === 0) throw new MultiDbError('InvalidIdentifier', 'an SQL identifier cannot be empty');
  if (name.includes('\0'))
    throw new MultiDbError('InvalidIdentifier', 'an SQL identifier cannot contain NUL');
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"`. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/**
 * A string literal that means the same whatever `standard_conforming_strings` is (libpq's PQescapeLiteral rule):
 * text with a backslash is written as an escape string (`E'…'`, backslashes doubled), other text as a plain
 * `'…'` (no backslash, so nothing for the setting to change). Quotes are doubled in both. NUL is refused: no
 * PostgreSQL text can hold it.
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new MultiDbError('InvalidLiteral', 'an SQL literal cannot contain NUL');
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}
