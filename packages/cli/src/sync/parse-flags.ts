import { parseArgs } from 'node:util';
import { err, ok, type Result } from 'neverthrow';
import type { UsageError } from './database-urls.js';

export type FlagSpec = Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>;
export type FlagValues = Record<string, string | boolean | undefined>;

/** Strict flag parsing (unknown flags and positionals are usage errors) as a Result. */
export function parseFlags(argv: readonly string[], options: FlagSpec): Result<FlagValues, UsageError> {
  try {
    const { values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options });
    return ok(values as FlagValues);
  } catch (error) {
    return err({ type: 'UsageError', message: (error as Error).message });
  }
}
