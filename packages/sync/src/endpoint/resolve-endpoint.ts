import { type AnyPgDatabase, connect, type DbHandle, driverOf, redactUrl } from '@multidb/config';
import type postgres from 'postgres';
import { driverEndpoint } from './driver-endpoint.js';
import { noDelaySocket } from './no-delay-socket.js';
import type { SqlEndpoint } from './sql-endpoint.js';

/** Where sync and drift read or write: a URL (opened and closed here), a {@link DbHandle}, or a Drizzle database. */
// biome-ignore lint/suspicious/noExplicitAny: any schema is fine, only raw SQL is run
export type DatabaseInput = string | DbHandle<any> | AnyPgDatabase;

const noop = async () => {};

function isHandle(input: DatabaseInput): input is DbHandle<Record<string, never>> {
  return typeof input === 'object' && 'kind' in input && 'safeUrl' in input && 'db' in input;
}

/**
 * Opens (for a URL: with the driver `connect` picks, `MULTIDB_DRIVER` included) or wraps (for a handle or a
 * database over any supported driver) the given database as a {@link SqlEndpoint}.
 */
export async function resolveEndpoint(input: DatabaseInput, label: string): Promise<SqlEndpoint> {
  if (typeof input === 'string') {
    // `socket` is a documented postgres.js option missing from its type definitions (node-postgres already
    // turns Nagle's algorithm off).
    const postgresOptions = { socket: noDelaySocket } as unknown as postgres.Options<Record<string, never>>;
    const handle = await connect(input, { max: 5, postgres: postgresOptions });
    try {
      return driverEndpoint(driverOf(handle.db), handle.safeUrl, () => handle.close());
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  if (isHandle(input)) return driverEndpoint(driverOf(input.db), input.safeUrl, noop);
  return driverEndpoint(driverOf(input as AnyPgDatabase), redactUrl(label), noop);
}
