import type { PGlite } from '@electric-sql/pglite';
import { type AnyPgDatabase, connect, type DbHandle, MultiDbError, redactUrl } from '@multidb/config';
import type postgres from 'postgres';
import { noDelaySocket } from './no-delay-socket.js';
import { pgliteEndpoint } from './pglite-endpoint.js';
import { postgresEndpoint } from './postgres-endpoint.js';
import type { SqlEndpoint } from './sql-endpoint.js';

/** Where sync and drift read or write: a URL (opened and closed here), a {@link DbHandle}, or a Drizzle database. */
// biome-ignore lint/suspicious/noExplicitAny: any schema is fine, only raw SQL is run
export type DatabaseInput = string | DbHandle<any> | AnyPgDatabase;

const noop = async () => {};

function isHandle(input: DatabaseInput): input is DbHandle<Record<string, never>> {
  return typeof input === 'object' && 'kind' in input && 'safeUrl' in input && 'db' in input;
}

function fromClient(client: unknown, safeUrl: string, close: () => Promise<void>): SqlEndpoint {
  const candidate = client as { unsafe?: unknown; begin?: unknown; query?: unknown; transaction?: unknown };
  if (typeof candidate.unsafe === 'function' && typeof candidate.begin === 'function') {
    return postgresEndpoint(client as postgres.Sql, safeUrl, close);
  }
  if (typeof candidate.query === 'function' && typeof candidate.transaction === 'function') {
    return pgliteEndpoint(client as PGlite, safeUrl, close);
  }
  throw new MultiDbError(
    'UnsupportedDriver',
    'only Drizzle databases over postgres.js or PGlite are supported (no $client found)',
  );
}

/** Opens (for a URL) or wraps (for a handle or database) the given database as a {@link SqlEndpoint}. */
export async function resolveEndpoint(input: DatabaseInput, label: string): Promise<SqlEndpoint> {
  if (typeof input === 'string') {
    // `socket` is a documented postgres.js option missing from its type definitions.
    const postgresOptions = { socket: noDelaySocket } as unknown as postgres.Options<Record<string, never>>;
    const handle = await connect(input, { max: 5, postgres: postgresOptions });
    return fromClient((handle.db as unknown as { $client: unknown }).$client, handle.safeUrl, () =>
      handle.close(),
    );
  }
  if (isHandle(input)) {
    return fromClient((input.db as unknown as { $client: unknown }).$client, input.safeUrl, noop);
  }
  return fromClient((input as unknown as { $client: unknown }).$client, redactUrl(label), noop);
}
