/**
 * Makes driver results comparable with `toEqual`: postgres.js returns an Array subclass whose `count`, `command`
 * and `columns` are non-enumerable (so `toEqual` would ignore them); they are spelled out here.
 */
export function normaliseResult(result: unknown): unknown {
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
