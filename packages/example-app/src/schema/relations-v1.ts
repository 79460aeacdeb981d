// A namespace import: `relations` is a root export of drizzle-orm 0.45 only (a named import is a link error on 1.0).
import * as orm from 'drizzle-orm';

/** drizzle-orm 0.45's `relations()` (relational queries v1, the `schema` option), typed where 0.45 is installed. */
type RelationsFn = typeof orm extends { relations: infer F } ? F : LooseRelationsFn;
// biome-ignore lint/suspicious/noExplicitAny: 1.0 types its v1 API in a module 0.45 lacks (no type import of it)
type LooseRelationsFn = (table: object, config: (helpers: any) => Record<string, unknown>) => object;

// 1.0 moved the v1 API to `drizzle-orm/_relations` (a path 0.45 lacks, hence not a static import) and queries with
// `defineRelations` instead; the v1 declarations still load there, so each line sees the same schema objects.
const LEGACY_RELATIONS_MODULE = 'drizzle-orm/_relations';

/** The v1 `relations()` of the installed drizzle-orm, whichever line. */
export const relations: RelationsFn =
  (orm as { relations?: RelationsFn }).relations ??
  ((await import(LEGACY_RELATIONS_MODULE)) as { relations: RelationsFn }).relations;
