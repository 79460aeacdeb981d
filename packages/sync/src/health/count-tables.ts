import type { TableInfo } from '../catalog/catalog-types.js';
import type { OpenDatabases } from '../endpoint/open-databases.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';

export interface TableCount {
  readonly table: string;
  readonly sourceRows: number | null;
  readonly targetRows: number | null;
  /** Counts differ, or the table is missing on the target. */
  readonly drift: boolean;
  /** `missing-on-target` or `count-failed`; never a driver message. */
  readonly error: string | undefined;
}

async function count(endpoint: SqlEndpoint, table: TableInfo): Promise<number> {
  const [row] = await endpoint.rows<{ n: string }>(`SELECT count(*)::text AS n FROM ${table.sqlName}`);
  return Number(row?.n ?? 0);
}

/** Exact row counts of each table on both databases, side by side. */
export async function countTables(dbs: OpenDatabases, tables: readonly TableInfo[]): Promise<TableCount[]> {
  const out: TableCount[] = [];
  for (const table of tables) {
    const twin = dbs.targetCatalog.tables.find((t) => t.id === table.id);
    try {
      const sourceRows = await count(dbs.source, table);
      if (twin === undefined) {
        out.push({
          table: table.display,
          sourceRows,
          targetRows: null,
          drift: true,
          error: 'missing-on-target',
        });
        continue;
      }
      const targetRows = await count(dbs.target, twin);
      out.push({
        table: table.display,
        sourceRows,
        targetRows,
        drift: sourceRows !== targetRows,
        error: undefined,
      });
    } catch {
      out.push({
        table: table.display,
        sourceRows: null,
        targetRows: null,
        drift: false,
        error: 'count-failed',
      });
    }
  }
  return out;
}
