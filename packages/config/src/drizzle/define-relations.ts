// A namespace import: `defineRelations` is a root export of drizzle-orm 1.0 only (a named import is a link error on
// 0.45).
import * as orm from 'drizzle-orm';
import { MultiDbError } from '../errors.js';
import { drizzleVersion } from './drizzle-version.js';

/** drizzle-orm 1.0's `defineRelations` as typed by the installed drizzle-orm; on 0.45 just enough to typecheck. */
export type DefineRelations = typeof orm extends { defineRelations: infer F } ? F : DefineRelationsShape;
// biome-ignore lint/suspicious/noExplicitAny: the relations builder is untyped where drizzle-orm 0.45 is installed
type DefineRelationsShape = (schema: Record<string, unknown>, relations?: (r: any) => object) => object;

/**
 * drizzle-orm 1.0's `defineRelations` (relational queries v2, the `relations` option), for code that runs on both
 * lines: call it on 1.0 only, lazily. On 0.45, which has none, a `DrizzleIncompatible` error says to pass `schema`.
 */
export function drizzleDefineRelations(): DefineRelations {
  const fn = (orm as { defineRelations?: DefineRelations }).defineRelations;
  if (fn === undefined) {
    throw new MultiDbError(
      'DrizzleIncompatible',
      `drizzle-orm ${drizzleVersion} has no defineRelations (relations v2 are drizzle-orm 1.0); pass \`schema\` instead`,
      { drizzleVersion },
    );
  }
  return fn;
}
