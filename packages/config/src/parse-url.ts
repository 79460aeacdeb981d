import { err, ok, type Result } from 'neverthrow';
import { redactUrl } from './redact.js';

export interface ParsedUrl {
  readonly kind: 'postgres' | 'pglite';
  /** PGlite data directory; `undefined` means in memory. */
  readonly dataDir: string | undefined;
  readonly safeUrl: string;
}

export interface UrlError {
  readonly type: 'InvalidUrl';
  readonly message: string;
}

/**
 * Accepts `postgres://…`, `postgresql://…`, `pglite:memory` (also `pglite://memory`) and `pglite:./dir` or
 * `pglite:/abs/dir`. Anything else is an error that says which forms are accepted.
 */
export function parseDatabaseUrl(url: string): Result<ParsedUrl, UrlError> {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    try {
      const parsed = new URL(trimmed);
      if (!parsed.hostname && !parsed.searchParams.get('host')) return invalid(url, 'has no host');
      return ok({ kind: 'postgres', dataDir: undefined, safeUrl: redactUrl(trimmed) });
    } catch {
      return invalid(url, 'is not a valid URL');
    }
  }
  if (/^pglite:/i.test(trimmed)) {
    const rest = trimmed.slice('pglite:'.length).replace(/^\/\/(?=memory$)/, '');
    if (rest === '') return invalid(url, 'needs `memory` or a directory after `pglite:`');
    if (rest === 'memory' || rest === '//memory')
      return ok({ kind: 'pglite', dataDir: undefined, safeUrl: 'pglite:memory' });
    return ok({ kind: 'pglite', dataDir: rest, safeUrl: `pglite:${rest}` });
  }
  return invalid(url, 'must start with postgres://, postgresql:// or pglite:');
}

function invalid(url: string, reason: string): Result<ParsedUrl, UrlError> {
  const shown = url.length > 0 ? redactUrl(url) : '(empty)';
  return err({ type: 'InvalidUrl', message: `database URL ${JSON.stringify(shown)} ${reason}` });
}
