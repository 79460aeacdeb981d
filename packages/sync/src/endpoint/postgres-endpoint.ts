import type postgres from 'postgres';
import { FIXED_SETTINGS_SQL } from '../sql/session-settings.js';
import type { SqlEndpoint, SqlTx, TransactionOptions } from './sql-endpoint.js';

type Params = postgres.ParameterOrJSON<never>[];

function postgresTx(tx: postgres.TransactionSql): SqlTx {
  return {
    rows: async <T>(text: string, params: readonly unknown[] = []) =>
      Array.from(await tx.unsafe(text, params as Params)) as T[],
    values: async (text, params = []) =>
      Array.from(await tx.unsafe(text, params as Params).values()) as unknown[][],
    execute: async (text, params = []) => (await tx.unsafe(text, params as Params)).count ?? 0,
    copyTo: async (text) => {
      const stream = await tx.unsafe(text).readable();
      // postgres.js pauses the socket when the stream's buffer is full and resumes it only from _read(); if that
      // happens on the last data message, nothing reads the next reply (e.g. COMMIT) and the connection hangs.
      stream.once('end', () => (stream as unknown as { _read(): void })._read());
      return stream;
    },
    copyFrom: (text) => tx.unsafe(text).writable(),
  };
}

/** A postgres.js client as a {@link SqlEndpoint}. */
export function postgresEndpoint(
  client: postgres.Sql,
  safeUrl: string,
  close: () => Promise<void>,
): SqlEndpoint {
  const transaction = <T>(fn: (tx: SqlTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> =>
    client.begin(options.readOnly ? 'read only' : '', async (tx) => {
      await tx.unsafe(FIXED_SETTINGS_SQL);
      return fn(postgresTx(tx));
    }) as Promise<T>;
  return {
    kind: 'postgres',
    safeUrl,
    supportsCopy: true,
    transaction,
    rows: (text, params) => transaction((tx) => tx.rows(text, params)),
    close,
  };
}
