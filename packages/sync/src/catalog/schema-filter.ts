/** Which schemas sync and drift look at. */
export interface SchemaFilter {
  /** Only these schemas (default: every user schema). */
  readonly includeSchemas?: readonly string[];
  /** Left out as well as the defaults: system schemas and bookkeeping schemas ({@link isBookkeepingSchema}). */
  readonly excludeSchemas?: readonly string[];
}

/**
 * Our own state (`multidb_sync`; dual-write's outbox, dead letters and fence in `multidb`, its default schema, or
 * `multidb_*`) and drizzle-kit's migration journal: never copied or compared (the outbox exists on the primary
 * only, the fence on the backup only).
 */
export function isBookkeepingSchema(schema: string): boolean {
  return schema === 'multidb' || schema.startsWith('multidb_') || schema === 'drizzle';
}

export function schemaSelected(schema: string, filter: SchemaFilter): boolean {
  if (filter.includeSchemas !== undefined) return filter.includeSchemas.includes(schema);
  return !isBookkeepingSchema(schema) && !(filter.excludeSchemas ?? []).includes(schema);
}
