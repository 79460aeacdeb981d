import type { Readable, Writable } from 'node:stream';

/** The three drivers the toolkit runs on: postgres.js, node-postgres (`pg`, and pg-compatible pools), PGlite. */
export type DriverKind = 'postgres' | 'pg' | 'pglite';

/** SQL text with `$1`, `$2` ... parameters; identifiers quoted by the caller. */
export interface DriverQueries {
  /** Rows as objects keyed by column name. */
  rows<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows as arrays, in select-list order. */
  values(text: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** A statement; resolves to the number of rows it affected. */
  execute(text: string, params?: readonly unknown[]): Promise<number>;
}

/** One transaction: its statements run on one session, in order. */
export interface DriverTransaction extends DriverQueries {
  /** `COPY ... TO STDOUT` as a stream; `undefined` when the driver has no COPY streams (PGlite). */
  readonly copyTo: ((text: string) => Promise<Readable>) | undefined;
  /** `COPY ... FROM STDIN` as a stream; `undefined` when the driver has no COPY streams (PGlite). */
  readonly copyFrom: ((text: string) => Promise<Writable>) | undefined;
}

/**
 * A session pinned for as long as the caller holds it (a session-level advisory lock lives in it). Exactly one
 * of `release()` (back to the pool) and `discard()` (the session broke or stopped answering: never reuse it)
 * ends it.
 */
export interface ReservedSession extends DriverQueries {
  release(): void;
  discard(): void;
}

export interface TransactionOptions {
  readonly readOnly?: boolean | undefined;
}

export type DmlCommand = 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * What the toolkit needs from a database driver, whichever of the three it is (kysely's `Dialect` as the model:
 * one small interface, one folder per driver). Built from a Drizzle database by `driverOf(db)`.
 */
export interface Driver {
  readonly kind: DriverKind;
  /** `false` for PGlite: COPY runs through the row path there. */
  readonly supportsCopy: boolean;
  /**
   * `true` when every query runs on one session (PGlite): a session-level advisory lock there excludes nobody,
   * so lock holders are told apart in memory, per instance.
   */
  readonly sharedSession: boolean;
  /** Whether the client was closed (best effort: `false` when the driver cannot tell). */
  readonly closed: boolean;
  /** One statement, outside any explicit transaction. */
  rows<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  transaction<T>(fn: (tx: DriverTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** A dedicated session (PGlite: the one session there is). */
  reserve(): Promise<ReservedSession>;
  /**
   * The raw result this driver's Drizzle session returns for an insert/update/delete without `returning()`,
   * given the rows the same statement returned with a RETURNING (one per affected row). May reuse `rows`.
   */
  noReturningResult(rows: unknown[], command: DmlCommand): unknown;
  /**
   * A name under which `text` can run as a server-side prepared statement (parsed and planned once per
   * connection), or `undefined` when this client should not prepare (PGlite; postgres.js with `prepare: false`).
   */
  reusableStatementName(text: string): string | undefined;
  /**
   * The code of a failure of this driver: the SQLSTATE or driver code (`ECONNREFUSED`, `CONNECTION_CLOSED`) of the
   * innermost error in the `cause` chain that has one. node-postgres reports a lost connection without a code:
   * `'CONNECTION_ENDED'` names it ("Connection terminated unexpectedly", "… is not queryable"), and
   * `'CONNECT_TIMEOUT'` a connection attempt that timed out.
   */
  errorCode(error: unknown): string | undefined;
  /** Ends the client (pool, connection or instance). Only for a client the caller owns. */
  close(): Promise<void>;
}

/** A stable, short name for a statement text (FNV-1a of the text, plus its length). */
export function statementName(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `mdb_${(hash >>> 0).toString(36)}_${text.length}`;
}
