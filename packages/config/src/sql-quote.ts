import { MultiDbError } from './errors.js';

/** `"name"` with embedded quotes doubled: any name, hostile ones included, is one identifier. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new MultiDbError('InvalidConfig', 'an SQL identifier cannot contain NUL');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A string literal that means the same whatever `standard_conforming_strings` is: text with a backslash is
 * written as an escape string (`E'…'`, backslashes doubled), other text as a plain `'…'`. NUL is refused (no
 * PostgreSQL text can hold it).
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new MultiDbError('InvalidConfig', 'an SQL literal cannot contain NUL');
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? `E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}
