import type { DriverKind, DriverTransaction, TransactionOptions } from '@multidb/config';

/** One transaction on one database: text SQL with `$n` parameters, and COPY streams where the driver has them. */
export type SqlTx = DriverTransaction;
export type { TransactionOptions };

/**
 * What sync and drift run on: a database's driver (postgres.js, node-postgres or PGlite) plus its printable
 * address. Every transaction starts with the fixed session settings, so text output is the same on both sides.
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
