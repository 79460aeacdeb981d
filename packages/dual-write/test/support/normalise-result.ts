/**
 * Makes driver results comparable with `toEqual`: postgres.js returns an Array subclass whose `count`, `command`
 * and `columns` are non-enumerable (so `toEqual` would ignore them); they are spelled out here. node-postgres
 * returns a `pg.Result` whose internals (`_types` holds a parser function made per query) differ between any two
 * runs: its public fields are compared.
 */
export function normaliseResult(result: unknown): unknown {
  if (!Array.isArray(result)) {
    if (result === null || typeof result !== 'object' || !('oid' in result)) return result;
    const { command, rowCount, oid, rows, fields } = result as Record<string, unknown>;
    return { command, rowCount, oid, rows, fields };
  }
  const extra = result as unknown as { count?: unknown; command?: unknown; columns?: { name: string }[] };
  if (!('command' in result)) return [...result];
  return {
    rows: [...result],
    count: extra.count,
    command: extra.command,
    columns: (extra.columns ?? []).map((c) => c.name),
  };
}
