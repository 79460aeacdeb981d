import { quoteQualified } from '@multidb/config';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import { displayName } from '../sql/qualified-name.js';
import { CATALOG_QUERY } from './catalog-query.js';
import type { Catalog, ColumnInfo, IndexInfo, RowKey, TableInfo } from './catalog-types.js';
import { tableId } from './catalog-types.js';
import { type SchemaFilter, schemaSelected } from './schema-filter.js';

interface RawCatalog {
  version: number;
  tables: { oid: number; schema: string; name: string; partitioned: boolean; estimate: number }[];
  columns: {
    oid: number;
    name: string;
    type: string;
    typeSchema: string;
    typeName: string;
    notNull: boolean;
    identity: '' | 'a' | 'd';
    generated: boolean;
    collation: string | null;
    sequence: [string, string] | null;
  }[];
  indexes: (IndexInfo & { oid: number; plain: boolean; columns: string[] })[];
  foreignKeys: {
    name: string;
    deferrable: boolean;
    fromSchema: string;
    fromName: string;
    toSchema: string;
    toName: string;
    columns: string[];
    refColumns: string[];
  }[];
  enums: { schema: string; name: string; labels: string[] }[];
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** The primary key, else the narrowest plain unique index whose columns are all NOT NULL. */
function chooseKey(columns: readonly ColumnInfo[], indexes: RawCatalog['indexes']): RowKey | undefined {
  const primary = indexes.find((index) => index.primary);
  if (primary) return { columns: primary.columns, source: 'primary-key', constraint: primary.name };
  const notNull = new Set(columns.filter((c) => c.notNull).map((c) => c.name));
  const candidates = indexes
    .filter((i) => i.unique && i.plain && i.columns.length > 0 && i.columns.every((c) => notNull.has(c)))
    .sort((a, b) => a.columns.length - b.columns.length || a.name.localeCompare(b.name));
  const best = candidates[0];
  return best && { columns: best.columns, source: 'unique-index', constraint: best.name };
}

/** Reads tables, columns, keys, indexes, foreign keys and enums of the selected schemas. */
export async function introspect(endpoint: SqlEndpoint, filter: SchemaFilter = {}): Promise<Catalog> {
  const [row] = await endpoint.rows<{ catalog: string }>(CATALOG_QUERY);
  const raw = JSON.parse(String(row?.catalog)) as RawCatalog;
  const columnsByTable = groupBy(raw.columns, (c) => c.oid);
  const indexesByTable = groupBy(raw.indexes, (i) => i.oid);
  const tables: TableInfo[] = raw.tables
    .filter((t) => schemaSelected(t.schema, filter))
    .map((t) => {
      const columns: ColumnInfo[] = (columnsByTable.get(t.oid) ?? []).map((c, index) => ({
        name: c.name,
        position: index + 1,
        type: c.type,
        castType: quoteQualified(c.typeSchema, c.typeName),
        notNull: c.notNull,
        identity: c.identity,
        generated: c.generated,
        collation: c.collation,
        sequence: c.sequence ? quoteQualified(c.sequence[0], c.sequence[1]) : undefined,
      }));
      const indexes = indexesByTable.get(t.oid) ?? [];
      return {
        id: tableId(t.schema, t.name),
        schema: t.schema,
        name: t.name,
        display: displayName(t.schema, t.name),
        sqlName: quoteQualified(t.schema, t.name),
        partitioned: t.partitioned,
        columns,
        key: chooseKey(columns, indexes),
        indexes: indexes.map(({ name, definition, primary, unique }) => ({
          name,
          definition,
          primary,
          unique,
        })),
        estimatedRows: t.estimate,
      };
    })
    .sort((a, b) => a.display.localeCompare(b.display));
  const foreignKeys = raw.foreignKeys
    .filter((fk) => schemaSelected(fk.fromSchema, filter))
    .map((fk) => ({
      name: fk.name,
      from: tableId(fk.fromSchema, fk.fromName),
      to: tableId(fk.toSchema, fk.toName),
      columns: fk.columns,
      refColumns: fk.refColumns,
      deferrable: fk.deferrable,
    }));
  const enums = raw.enums.filter((e) => schemaSelected(e.schema, filter));
  return { tables, foreignKeys, enums, serverVersion: raw.version };
}
