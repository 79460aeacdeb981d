/** Levels of `cause` / `errors` followed: wrappers (Drizzle, the toolkit, pools) nest a few deep, never this many. */
const MAX_DEPTH = 16;
/** Errors visited at most: an `AggregateError` of many members (one per host tried) stays cheap to walk. */
const MAX_ERRORS = 64;

/**
 * Every value in an error's chain, outermost first, level by level: the error, its `cause` and the members of an
 * `AggregateError` (any `errors` array, as Node's happy-eyeballs connect throws), then their causes and members.
 * Each value appears once, so a cycle (`a.cause = b; b.cause = a`) ends the walk; depth and size are bounded.
 * Non-object causes (a thrown string) are included as they are.
 */
export function causeChain(error: unknown): readonly unknown[] {
  const seen = new Set<unknown>();
  const chain: unknown[] = [];
  let level: unknown[] = [error];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const value of level) {
      if (value === undefined || value === null || seen.has(value)) continue;
      if (chain.length >= MAX_ERRORS) return chain;
      seen.add(value);
      chain.push(value);
      next.push(...children(value));
    }
    level = next;
  }
  return chain;
}

/** The first value of the chain (outermost first) that passes `test`. */
export function findCause(error: unknown, test: (cause: unknown) => boolean): unknown {
  return causeChain(error).find(test);
}

/** The `code` (SQLSTATE or driver code such as `ECONNREFUSED`) of a value, when it has a string one. */
export function ownErrorCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = read(value, 'code');
  return typeof code === 'string' ? code : undefined;
}

function children(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  const cause = read(value, 'cause');
  const errors = read(value, 'errors');
  return [cause, ...(Array.isArray(errors) ? errors : [])];
}

/** A property of a foreign object; a throwing getter (proxies, odd error classes) reads as absent. */
function read(value: object, key: 'cause' | 'errors' | 'code'): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
