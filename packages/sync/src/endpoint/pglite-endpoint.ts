import type { PGlite, Transaction } from '@electric-sql/pglite';
import { FIXED_SETTINGS_SQL } from '../sql/session-settings.js';
import type { SqlEndpoint, SqlTx, TransactionOptions } from './sql-endpoint.js';

function pgliteTx(tx: Transaction): SqlTx {
  return {
    rows: async <T>(text: string, params: readonly unknown[] = []) =>
      (await tx.query<T>(text, params as unknown[])).rows,
    values: async (text, params = []) =>
      (await tx.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows,
    execute: async (text, params = []) => (await tx.query(text, params as unknown[])).affectedRows ?? 0,
    copyTo: undefined,
    copyFrom: undefined,
  };
}

/** A PGlite instance as a {@link SqlEndpoint}. PGlite runs one statement at a time; so do its transactions. */
export function pgliteEndpoint(pg: PGlite, safeUrl: string, close: () => Promise<void>): SqlEndpoint {
  const transaction = <T>(fn: (tx: SqlTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> =>
    pg.transaction(async (tx) => {
      if (options.readOnly) await tx.query('SET TRANSACTION READ ONLY');
      await tx.query(FIXED_SETTINGS_SQL);
      return fn(pgliteTx(tx));
    });
  return {
    kind: 'pglite',
    safeUrl,
    supportsCopy: false,
    transaction,
    rows: (text, params) => transaction((tx) => tx.rows(text, params)),
    close,
  };
}
