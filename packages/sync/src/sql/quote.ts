import { MultiDbError } from '@multidb/config';

/**
 * Quotes an identifier for SQL text, whatever it contains (quotes, semicolons, spaces, unicode). Identifiers
 * are never interpolated any other way; values always travel as parameters.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new MultiDbError('InvalidIdentifier', 'an identifier must be non-empty and free of NUL characters');
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"`. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * A string literal that is safe whatever `standard_conforming_strings` is (libpq's PQescapeLiteral rule). Only
 * for the one place that cannot take parameters: the query inside `COPY (...) TO STDOUT`.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) {
    throw new MultiDbError('InvalidLiteral', 'a text value cannot contain NUL characters');
  }
  const body = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}
