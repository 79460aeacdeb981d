import type { Driver } from '@multidb/config';
import { FIXED_SETTINGS_SQL } from '../sql/session-settings.js';
import type { SqlEndpoint, SqlTx, TransactionOptions } from './sql-endpoint.js';

/** A driver as a {@link SqlEndpoint}: each transaction first applies the fixed session settings. */
export function driverEndpoint(driver: Driver, safeUrl: string, close: () => Promise<void>): SqlEndpoint {
  const transaction = <T>(fn: (tx: SqlTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> =>
    driver.transaction(async (tx) => {
      await tx.execute(FIXED_SETTINGS_SQL);
      return fn(tx);
    }, options);
  return {
    kind: driver.kind,
    safeUrl,
    supportsCopy: driver.supportsCopy,
    transaction,
    rows: (text, params) => transaction((tx) => tx.rows(text, params)),
    close,
  };
}
