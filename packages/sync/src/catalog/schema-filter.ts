/** Which schemas sync and drift look at. */
export interface SchemaFilter {
  /** Only these schemas (default: every user schema). */
  readonly includeSchemas?: readonly string[];
  /** Left out as well as the defaults: system schemas and bookkeeping schemas ({@link isBookkeepingSchema}). */
  readonly excludeSchemas?: readonly string[];
}

/** Our own state (`multidb_sync`, dual-write outboxes under `multidb_*`) and drizzle-kit's migration journal. */
export function isBookkeepingSchema(schema: string): boolean {
  return schema.startsWith('multidb_') || schema === 'drizzle';
}

export function schemaSelected(schema: string, filter: SchemaFilter): boolean {
  if (filter.includeSchemas !== undefined) return filter.includeSchemas.includes(schema);
  return !isBookkeepingSchema(schema) && !(filter.excludeSchemas ?? []).includes(schema);
}
