import { err, ok, type Result } from 'neverthrow';
import type { SetupError } from '../endpoint/open-databases.js';
import type { DriftOptions } from './drift-types.js';

export interface DriftSettings {
  readonly chunkRows: number;
  readonly leafRows: number;
  readonly fanout: number;
  readonly maxRowDiffs: number;
  readonly maxReplaceRows: number;
  readonly recheckDelayMs: number;
  readonly checksum: 'hashtext' | 'md5';
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

export const DEFAULT_MAX_REPLACE_ROWS = 1_000_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Settles the tuning options once, option > default, and rejects nonsense before anything is opened. */
export function driftSettings(options: DriftOptions): Result<DriftSettings, SetupError> {
  const settings: DriftSettings = {
    chunkRows: options.chunkRows ?? 10_000,
    leafRows: options.leafRows ?? 1000,
    fanout: options.fanout ?? 16,
    maxRowDiffs: options.maxRowDiffs ?? 10_000,
    maxReplaceRows: options.maxReplaceRows ?? DEFAULT_MAX_REPLACE_ROWS,
    recheckDelayMs: options.recheckDelayMs ?? 1000,
    checksum: options.checksum ?? 'hashtext',
    sleep: options.sleep ?? sleep,
    now: options.now ?? (() => performance.now()),
  };
  const problems: string[] = [];
  const check = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      problems.push(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  };
  check('chunkRows', settings.chunkRows, 2, 10_000_000);
  check('leafRows', settings.leafRows, 1, 1_000_000);
  check('fanout', settings.fanout, 2, 1024);
  check('maxRowDiffs', settings.maxRowDiffs, 0, 10_000_000);
  check('maxReplaceRows', settings.maxReplaceRows, 0, Number.MAX_SAFE_INTEGER);
  check('recheckDelayMs', settings.recheckDelayMs, 0, 600_000);
  if (settings.checksum !== 'hashtext' && settings.checksum !== 'md5') {
    problems.push(`checksum must be hashtext or md5, got ${String(settings.checksum)}`);
  }
  return problems.length > 0 ? err({ type: 'InvalidOptions', message: problems.join('; ') }) : ok(settings);
}
