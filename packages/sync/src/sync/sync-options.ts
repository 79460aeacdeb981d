import { err, ok, type Result } from 'neverthrow';
import type { SetupError } from '../endpoint/open-databases.js';
import type { SyncOptions } from './sync-types.js';

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_COPY_CHUNK_ROWS = 100_000;
export const DEFAULT_LANES = 4;
const MAX_ROWS = 10_000_000;

const wholeNumber = (value: number) => Number.isInteger(value) && value >= 1 && value <= MAX_ROWS;

/** Settles and checks the numeric options once, before anything is opened. */
export function validateSyncOptions(
  options: Pick<SyncOptions, 'batchSize' | 'copyChunkRows' | 'resumeFrom' | 'lanes'>,
): Result<{ batchSize: number; copyChunkRows: number; lanes: number }, SetupError> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const copyChunkRows = options.copyChunkRows ?? DEFAULT_COPY_CHUNK_ROWS;
  const lanes = options.lanes ?? DEFAULT_LANES;
  const problems = [
    wholeNumber(batchSize) ? '' : `batchSize must be a whole number from 1 to ${MAX_ROWS}, got ${batchSize}`,
    wholeNumber(copyChunkRows)
      ? ''
      : `copyChunkRows must be a whole number from 1 to ${MAX_ROWS}, got ${copyChunkRows}`,
    Number.isInteger(lanes) && lanes >= 1 && lanes <= 16
      ? ''
      : `lanes must be a whole number from 1 to 16, got ${lanes}`,
    options.resumeFrom === undefined || ['checkpoint', 'start'].includes(options.resumeFrom)
      ? ''
      : `resumeFrom must be checkpoint or start, got ${String(options.resumeFrom)}`,
  ].filter(Boolean);
  if (problems.length > 0) return err({ type: 'InvalidOptions', message: problems.join('; ') });
  return ok({ batchSize, copyChunkRows, lanes });
}
