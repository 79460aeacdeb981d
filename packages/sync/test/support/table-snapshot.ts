import type { SqlEndpoint } from '../../src/index.js';

/**
 * Every row of a table in text form, sorted: two databases hold the same data exactly when their snapshots are
 * equal. Independent of the drift code under test.
 */
export async function tableSnapshot(endpoint: SqlEndpoint, sqlName: string): Promise<string[]> {
  const rows = await endpoint.rows<{ r: string }>(`SELECT x::text AS r FROM ${sqlName} AS x ORDER BY 1`);
  return rows.map((row) => row.r);
}

export const SYNCED_TABLES = [
  'shop.customers',
  'shop.orders',
  'shop.order_lines',
  'shop.teams',
  'shop.players',
  'shop.employees',
  'shop.settings',
  'shop.audit_log',
  '"we""ird; schema"."Tab le""; DROP TABLE shop.customers;--"',
];
