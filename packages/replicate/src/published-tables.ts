import { type Catalog, diffSchemas, introspect, resolveEndpoint } from '@multidb/sync';
import type { Settled, Side } from './replication-sides.js';

export interface PublishedTable {
  readonly schema: string;
  readonly name: string;
  /** `schema.table` for people. */
  readonly display: string;
  /** `"schema"."table"` for SQL. */
  readonly sqlName: string;
  /** The catalog id shared by sync's catalog (`["schema","table"]`). */
  readonly id: string;
}

export interface Catalogs {
  readonly primary: Catalog;
  readonly backup: Catalog;
}

/** Reads both catalogs with sync's introspection (the same view of tables `drift` has). */
export async function readCatalogs(primary: Side, backup: Side): Promise<Catalogs> {
  const [p, b] = await Promise.all([
    resolveEndpoint(primary.handle, 'primary').then((endpoint) => introspect(endpoint, {})),
    resolveEndpoint(backup.handle, 'backup').then((endpoint) => introspect(endpoint, {})),
  ]);
  return { primary: p, backup: b };
}

/**
 * The tables to publish: those asked for, or every table sync would copy. Returns the names not found on the
 * primary as well, so they can be reported together.
 */
export function selectPublished(
  catalog: Catalog,
  settled: Settled,
): { tables: PublishedTable[]; unknown: string[] } {
  const all = catalog.tables.map((t) => ({
    schema: t.schema,
    name: t.name,
    display: t.display,
    sqlName: t.sqlName,
    id: t.id,
  }));
  if (settled.tables === undefined) return { tables: all, unknown: [] };
  const byId = new Map(all.map((t) => [t.id, t]));
  const tables: PublishedTable[] = [];
  const unknown: string[] = [];
  for (const wanted of settled.tables) {
    const found = byId.get(JSON.stringify([wanted.schema, wanted.name]));
    if (found === undefined) unknown.push(`${wanted.schema}.${wanted.name}`);
    else if (!tables.includes(found)) tables.push(found);
  }
  return { tables, unknown };
}

/** Schema differences between primary and backup over the published tables, one line each. */
export function schemaDifferences(catalogs: Catalogs, tables: readonly PublishedTable[]): string[] {
  const ids = new Set(tables.map((t) => t.id));
  return diffSchemas(catalogs.primary, catalogs.backup, ids).map((d) => {
    const detail = [d.source && `primary: ${d.source}`, d.target && `backup: ${d.target}`].filter(Boolean);
    return `${d.kind} ${d.object}: ${d.difference}${detail.length > 0 ? ` (${detail.join(', ')})` : ''}`;
  });
}
