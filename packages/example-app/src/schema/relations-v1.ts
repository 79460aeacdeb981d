// A namespace import: `relations` is a root export of drizzle-orm 0.45 only (a named import is a link error on 1.0).
import * as orm from 'drizzle-orm';

/** drizzle-orm 0.45's `relations()` (relational queries v1, the `schema` option). */
type RelationsFn = typeof orm extends { relations: infer F } ? F : never;

// 1.0 moved the v1 API to `drizzle-orm/_relations` (a path 0.45 lacks, hence not a static import) and queries with
// `defineRelations` instead; the v1 declarations still load there, so each line sees the same schema objects.
const LEGACY_RELATIONS_MODULE = 'drizzle-orm/_relations';

/** The v1 `relations()` of the installed drizzle-orm, whichever line. */
export const relations: RelationsFn =
  (orm as { relations?: RelationsFn }).relations ??
  ((await import(LEGACY_RELATIONS_MODULE)) as { relations: RelationsFn }).relations;
