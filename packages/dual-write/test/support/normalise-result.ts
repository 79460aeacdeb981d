/**
 * Makes driver results comparable with `toEqual`: postgres.js returns an Array subclass whose `count`, `command`
 * and `columns` are non-enumerable (so `toEqual` would ignore them); they are spelled out here. node-postgres
 * returns a `Result` instance (parsers and type caches inside): its documented fields are compared, except `oid`,
 * which the wrapper's rebuilt result of a write without `returning()` does not carry yet (issue 12: the driver
 * layer owns that result shape).
 */
export function normaliseResult(result: unknown): unknown {
  if (isNodePostgresResult(result)) {
    return {
      command: result.command,
      rowCount: result.rowCount,
      rows: result.rows,
      fields: result.fields.map((f) => f.name),
    };
  }
  if (!Array.isArray(result)) return result;
  const extra = result as unknown as { count?: unknown; command?: unknown; columns?: { name: string }[] };
  if (!('command' in result)) return [...result];
  return {
    rows: [...result],
    count: extra.count,
    command: extra.command,
    columns: (extra.columns ?? []).map((c) => c.name),
  };
}

interface NodePostgresResultLike {
  command: string;
  rowCount: number | null;
  rows: unknown[];
  fields: { name: string }[];
}

function isNodePostgresResult(result: unknown): result is NodePostgresResultLike {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return false;
  const r = result as Partial<NodePostgresResultLike>;
  // PGlite's results have `affectedRows` and are compared whole.
  return (
    typeof r.command === 'string' &&
    Array.isArray(r.fields) &&
    Array.isArray(r.rows) &&
    !('affectedRows' in r)
  );
}
