import type { Readable, Writable } from 'node:stream';
import type { DriverKind } from '@multidb/config';

/** One transaction on one database. Text SQL with `$n` parameters; identifiers quoted by the caller. */
export interface SqlTx {
  /** Rows as objects keyed by column name. */
  rows<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows as arrays, in select-list order. */
  values(text: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** A statement; resolves to the number of rows it affected. */
  execute(text: string, params?: readonly unknown[]): Promise<number>;
  /** `COPY ... TO STDOUT` as a stream; `undefined` when the driver has no COPY streams (PGlite). */
  readonly copyTo: ((text: string) => Promise<Readable>) | undefined;
  /** `COPY ... FROM STDIN` as a stream; `undefined` when the driver has no COPY streams (PGlite). */
  readonly copyFrom: ((text: string) => Promise<Writable>) | undefined;
}

export interface TransactionOptions {
  readonly readOnly?: boolean;
}

/**
 * The small driver interface sync and drift run on (postgres.js or PGlite). Every transaction starts with the
 * fixed session settings, so text output is the same on both sides.
 */
export interface SqlEndpoint {
  readonly kind: DriverKind;
  /** Credentials removed: safe to print. */
  readonly safeUrl: string;
  readonly supportsCopy: boolean;
  transaction<T>(fn: (tx: SqlTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** One statement in its own transaction. */
  rows<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Closes the connection if this endpoint opened it (a URL was given); otherwise a no-op. */
  close(): Promise<void>;
}
