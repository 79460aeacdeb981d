import type { PGlite, Transaction } from '@electric-sql/pglite';
import { innermostErrorCode } from '../../errors.js';
import type { DmlCommand, Driver, DriverQueries, DriverTransaction, TransactionOptions } from '../driver.js';

type Queryable = Pick<PGlite, 'query'> | Pick<Transaction, 'query'>;

function queries(pg: Queryable): DriverQueries {
  return {
    rows: async <T>(text: string, params: readonly unknown[] = []) =>
      (await pg.query<T>(text, params as unknown[])).rows,
    values: async (text, params = []) =>
      (await pg.query<unknown[]>(text, params as unknown[], { rowMode: 'array' })).rows,
    execute: async (text, params = []) => (await pg.query(text, params as unknown[])).affectedRows ?? 0,
  };
}

/** A PGlite instance as a {@link Driver}. PGlite runs one statement at a time, on its one session. */
export function pgliteDriver(pg: PGlite): Driver {
  return {
    kind: 'pglite',
    supportsCopy: false,
    sharedSession: true,
    get closed() {
      return pg.closed;
    },
    rows: (text, params) => queries(pg).rows(text, params),
    transaction: <T>(fn: (tx: DriverTransaction) => Promise<T>, options: TransactionOptions = {}) =>
      pg.transaction(async (tx) => {
        if (options.readOnly) await tx.query('SET TRANSACTION READ ONLY');
        return fn({ ...queries(tx), copyTo: undefined, copyFrom: undefined });
      }),
    reserve: async () => ({ ...queries(pg), release: () => {}, discard: () => {} }),
    noReturningResult: (rows: unknown[], command: DmlCommand) => ({
      rows: [],
      fields: [],
      command,
      affectedRows: rows.length,
      rowCount: rows.length,
    }),
    reusableStatementName: () => undefined,
    errorCode: innermostErrorCode,
    close: async () => {
      if (!pg.closed) await pg.close();
    },
  };
}
