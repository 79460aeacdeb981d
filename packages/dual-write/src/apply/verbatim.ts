import type { Column } from 'drizzle-orm';

/**
 * A value kept exactly as the driver returned it. Drizzle decodes `timestamp` columns into JS `Date`s, which hold
 * milliseconds only: a backup written from them would lose the microseconds the primary stored. The text the
 * server sent is sent back to the backup as is.
 */
export class Verbatim {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** Columns whose Drizzle decoding loses precision (timestamps in `date` mode). */
export function losesPrecision(column: Column): boolean {
  return column.columnType === 'PgTimestamp';
}

/** The backup's copy of a driver value: verbatim where Drizzle's decoding would lose precision. */
export function backupValue(column: Column, raw: unknown): unknown {
  if (typeof raw === 'string' && losesPrecision(column)) return new Verbatim(raw);
  return column.mapFromDriverValue(raw);
}

/** The parameter sent to the backup for a row value. */
export function encodeForBackup(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return value instanceof Verbatim ? value.text : column.mapToDriverValue(value);
}
