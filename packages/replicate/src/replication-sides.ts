import { connect, type DbHandle, describeError, executeRows, parseDatabaseUrl } from '@multidb/config';
import { parseTableName } from '@multidb/sync';
import type { SQL } from 'drizzle-orm';
import { err, ok, type Result } from 'neverthrow';
import type { ReplicationError, ReplicationOptions } from './replication-types.js';

export const DEFAULT_NAME = 'multidb_backup';
/** Slot names allow lower-case letters, digits and underscores only; the three objects share one name. */
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** One database of the pair, opened for autocommit statements (CREATE SUBSCRIPTION cannot run in a block). */
export interface Side {
  readonly side: 'primary' | 'backup';
  readonly handle: DbHandle;
  readonly safeUrl: string;
  rows<T extends Record<string, unknown> = Record<string, unknown>>(query: SQL | string): Promise<T[]>;
}

export interface Settled {
  readonly name: string;
  readonly publisherUrl: string;
  /** `{ schema, name }` as asked, or `undefined` for "every table". */
  readonly tables: readonly { readonly schema: string; readonly name: string }[] | undefined;
}

/** Checks the options once, before anything connects. */
export function settleOptions(options: ReplicationOptions): Result<Settled, ReplicationError> {
  const invalid = (message: string) => err({ type: 'InvalidOptions' as const, message });
  for (const [label, url] of [
    ['primary', options.primary],
    ['backup', options.backup],
    ['publisherUrl', options.publisherUrl ?? options.primary],
  ] as const) {
    if (typeof url !== 'string') return invalid(`${label} must be a postgres:// URL`);
    const parsed = parseDatabaseUrl(url);
    if (parsed.isErr()) return invalid(`${label}: ${parsed.error.message}`);
    if (parsed.value.kind !== 'postgres') {
      return invalid(`${label}: logical replication needs PostgreSQL servers, not ${parsed.value.safeUrl}`);
    }
  }
  const name = options.name ?? DEFAULT_NAME;
  if (!NAME.test(name)) {
    return invalid(
      `name must be 1-63 lower-case letters, digits or underscores (it names the replication slot), got ${JSON.stringify(name)}`,
    );
  }
  let tables: { schema: string; name: string }[] | undefined;
  if (options.tables !== undefined) {
    if (options.tables.length === 0) return invalid('tables is empty: leave it out to replicate every table');
    tables = [];
    for (const input of options.tables) {
      const parsed = parseTableName(input);
      if (parsed.isErr()) return invalid(`tables: ${JSON.stringify(input)}: ${parsed.error.reason}`);
      tables.push({ schema: parsed.value.schema ?? 'public', name: parsed.value.name });
    }
  }
  return ok({ name, publisherUrl: options.publisherUrl ?? options.primary, tables });
}

export async function openSide(
  url: string,
  side: 'primary' | 'backup',
): Promise<Result<Side, ReplicationError>> {
  try {
    const handle = await connect(url, { max: 2, connectTimeout: 10 });
    const opened: Side = {
      side,
      handle,
      safeUrl: handle.safeUrl,
      rows: (query) => executeRows(handle.db, query),
    };
    // Fails now, with the side named, rather than in the middle of a step.
    await opened.rows('select 1');
    return ok(opened);
  } catch (error) {
    return err({ type: 'ConnectFailed', side, message: `cannot reach the ${side}: ${describeError(error)}` });
  }
}

export async function closeSides(...sides: (Side | undefined)[]): Promise<void> {
  await Promise.allSettled(sides.map((side) => side?.handle.close()));
}

/** Runs a step; a failure becomes a typed error naming the side (credentials removed). */
export async function onSide<T>(
  side: Side,
  step: () => Promise<T>,
  what: string,
): Promise<Result<T, ReplicationError>> {
  try {
    return ok(await step());
  } catch (error) {
    return err({
      type: 'StatementFailed',
      side: side.side,
      message: `${what} on the ${side.side} (${side.safeUrl}): ${describeError(error)}`,
    });
  }
}
