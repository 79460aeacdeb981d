import type { Readable } from 'node:stream';
import type postgres from 'postgres';
import { innermostErrorCode } from '../../errors.js';
import {
  type DmlCommand,
  type Driver,
  type DriverQueries,
  type DriverTransaction,
  type ReservedSession,
  statementName,
  type TransactionOptions,
} from '../driver.js';

type Params = postgres.ParameterOrJSON<never>[];

/** Seconds `close()` lets running queries finish before postgres.js ends the connections. */
export const DEFAULT_CLOSE_TIMEOUT_SECONDS = 5;

function queries(sql: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql): DriverQueries {
  return {
    rows: async <T>(text: string, params: readonly unknown[] = []) =>
      Array.from(await sql.unsafe(text, params as Params)) as T[],
    values: async (text, params = []) =>
      Array.from(await sql.unsafe(text, params as Params).values()) as unknown[][],
    execute: async (text, params = []) => (await sql.unsafe(text, params as Params)).count ?? 0,
  };
}

function transactionOf(tx: postgres.TransactionSql): DriverTransaction {
  return {
    ...queries(tx),
    copyTo: async (text) => {
      const stream: Readable = await tx.unsafe(text).readable();
      // postgres.js pauses the socket when the stream's buffer is full and resumes it only from _read(); if that
      // happens on the last data message, nothing reads the next reply (e.g. COMMIT) and the connection hangs.
      stream.once('end', () => (stream as unknown as { _read(): void })._read());
      return stream;
    },
    copyFrom: (text) => tx.unsafe(text).writable(),
  };
}

interface PostgresResultLike extends Array<unknown> {
  command: string;
  columns: unknown[];
  count: number;
}

/** A postgres.js `Sql` client as a {@link Driver}. */
export function postgresJsDriver(client: postgres.Sql): Driver {
  const prepare = (client as { options?: { prepare?: boolean } }).options?.prepare !== false;
  return {
    kind: 'postgres',
    supportsCopy: true,
    sharedSession: false,
    closed: false,
    rows: (text, params) => queries(client).rows(text, params),
    transaction: <T>(fn: (tx: DriverTransaction) => Promise<T>, options: TransactionOptions = {}) =>
      client.begin(options.readOnly ? 'read only' : '', (tx) => fn(transactionOf(tx))) as Promise<T>,
    async reserve(): Promise<ReservedSession> {
      const reserved = await client.reserve();
      return {
        ...queries(reserved),
        release: () => reserved.release(),
        // postgres.js has already put a broken connection back in its closed queue (or reconnected it for the
        // pool): releasing it again would hand the pool a connection in a state it does not expect.
        discard: () => {},
      };
    },
    noReturningResult(rows: unknown[], command: DmlCommand) {
      // The statement's own `Result` list, emptied: its `count` already is the affected-row count.
      const result = rows as PostgresResultLike;
      const count = rows.length;
      result.length = 0;
      result.command = command;
      result.columns = [];
      result.count = count;
      return result;
    },
    reusableStatementName: (text) => (prepare ? statementName(text) : undefined),
    errorCode: innermostErrorCode,
    close: () => client.end({ timeout: DEFAULT_CLOSE_TIMEOUT_SECONDS }),
  };
}
