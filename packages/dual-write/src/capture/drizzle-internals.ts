import { drizzleLine } from '@multidb/config';
import { drizzle045 } from './drizzle-lines/drizzle-0.45.js';
import { drizzle10 } from './drizzle-lines/drizzle-1.0.js';
import type { DrizzleInternals, MutationBuilderInternals } from './drizzle-lines/line-internals.js';

export type {
  BuiltQuery,
  ColumnNaming,
  DrizzleInternals,
  MutationBuilderInternals,
  MutationConfig,
  OrderedField,
  PreparedLike,
  RowsMapper,
} from './drizzle-lines/line-internals.js';

/**
 * The one door to drizzle-orm's internals: the parts of pg-core that capture relies on but that are `@internal`
 * (absent from the type declarations) or differ between the release lines. One implementation per line in
 * `drizzle-lines/` (0.45: `PgDialect.casing`, `mapResultRow`, `prepareQuery(query, fields, name, arrayMode,
 * mapper, meta, cache)`; 1.0: casing on the tables, codecs and generated mappers, `prepareQuery(query, mode, name,
 * mapper, meta)`), checked when first used, so an upgrade that moves them fails loudly (`DrizzleIncompatible`)
 * instead of silently skipping the backup. Nothing outside this module and that folder knows which line is
 * installed.
 */
let picked: DrizzleInternals | undefined;

/** The installed release line's internals (`DrizzleIncompatible` when the line is unsupported or moved). */
export function drizzleInternals(): DrizzleInternals {
  picked ??= drizzleLine() === '0.45' ? drizzle045() : drizzle10();
  return picked;
}

export function builderInternals(builder: unknown): MutationBuilderInternals {
  return builder as MutationBuilderInternals;
}
