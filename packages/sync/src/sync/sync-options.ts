import { err, ok, type Result } from 'neverthrow';
import type { SetupError } from '../endpoint/open-databases.js';
import type { SyncOptions } from './sync-types.js';

export const DEFAULT_BATCH_SIZE = 500;
/**
 * COPY path defaults, measured (bench/sync.ts, 1M rows, two local servers on 2 cores): 2 lanes of 250,000-row
 * chunks ran 1.41–1.45 s against 1.62 s for 4 × 100,000 and 1.34–1.42 s for `pg_dump | psql`. More lanes pay
 * off when the database servers have more cores than this machine.
 */
export const DEFAULT_COPY_CHUNK_ROWS = 250_000;
export const DEFAULT_LANES = 2;
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
