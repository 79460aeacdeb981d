import { resolve } from 'node:path';
import {
  type ConnectOptions,
  connect,
  type DbHandle,
  MultiDbError,
  parseDatabaseUrl,
  redactUrl,
} from '@multidb/config';
import type { DatabaseName } from './database-name.js';
import type { AnySchema, SplitLayout, SplitSide } from './define-split-schema.js';
import { clientRelationalOptions } from './drizzle-line.js';

/**
 * The relational-query options for a client of one side (or of both, a layout, when not split), in the installed
 * drizzle-orm's spelling: `{ schema }` on 0.45, `{ relations }` on 1.0 (see `SplitSide.relations`). Spread them
 * into `connect()` / `fromPglite()` options when opening a side's database yourself.
 */
export function relationalOptionsOf(
  target: Pick<SplitSide, 'schema' | 'relations'>,
): Pick<ConnectOptions<AnySchema>, 'schema' | 'relations'> {
  return clientRelationalOptions(target.schema, target.relations);
}

/** Where the two databases are; a `Topology` from `loadConfig()` fits. */
export interface SplitTarget {
  readonly primaryUrl: string;
  /** Required when `splitMode` is true; ignored otherwise. */
  readonly dataUrl?: string;
  readonly splitMode: boolean;
  readonly logQueries?: boolean;
}

/** Connection options; the relational-query settings (`schema` on 0.45, `relations` on 1.0) come from the layout. */
export type SplitClientOptions = Omit<ConnectOptions<AnySchema>, 'schema' | 'relations'>;

/**
 * One Drizzle handle per database, each typed with its side of the layout. When not split, `primary` and `data`
 * are the SAME handle (one connection, typed both ways) and closing it once closes everything.
 */
export interface SplitClients<TPrimary extends AnySchema = AnySchema, TData extends AnySchema = AnySchema> {
  readonly layout: SplitLayout<TPrimary, TData>;
  readonly splitMode: boolean;
  readonly primary: DbHandle<TPrimary>;
  readonly data: DbHandle<TData>;
  /** The handle of one database, untyped: for code that treats both alike (migrations, checks). */
  handle(database: DatabaseName): DbHandle<AnySchema>;
  close(): Promise<void>;
}

export async function openSplitClients<TPrimary extends AnySchema, TData extends AnySchema>(
  layout: SplitLayout<TPrimary, TData>,
  target: SplitTarget,
  options: SplitClientOptions = {},
): Promise<SplitClients<TPrimary, TData>> {
  const base = { logger: target.logQueries ?? false, ...options };
  if (!target.splitMode) {
    const single = await connect(target.primaryUrl, {
      ...base,
      ...clientRelationalOptions(layout.schema, layout.relations),
    });
    return makeSplitClients(layout, false, single, single);
  }
  const dataUrl = checkedDataUrl(target);
  const primary = await connect(target.primaryUrl, {
    ...base,
    ...clientRelationalOptions(layout.primary.schema, layout.primary.relations),
  });
  try {
    const data = await connect(dataUrl, {
      ...base,
      ...clientRelationalOptions(layout.data.schema, layout.data.relations),
    });
    return makeSplitClients(layout, true, primary, data);
  } catch (error) {
    await primary.close();
    throw error;
  }
}

function checkedDataUrl(target: SplitTarget): string {
  const dataUrl = target.dataUrl;
  if (dataUrl === undefined) {
    throw new MultiDbError('InvalidSplitConfig', 'split mode needs a data database URL');
  }
  const primary = parseDatabaseUrl(target.primaryUrl);
  const data = parseDatabaseUrl(dataUrl);
  // Two PGlite instances on one directory corrupt it; two in-memory ones are simply two databases.
  if (
    primary.isOk() &&
    data.isOk() &&
    primary.value.kind === 'pglite' &&
    data.value.dataDir !== undefined &&
    primary.value.dataDir !== undefined &&
    resolve(primary.value.dataDir) === resolve(data.value.dataDir)
  ) {
    throw new MultiDbError(
      'InvalidSplitConfig',
      `split mode with both databases in the same PGlite directory (${redactUrl(dataUrl)})`,
      { url: dataUrl },
    );
  }
  return dataUrl;
}

/** Freezes the pair; `handle(name)` and `close()` treat one shared handle as one. */
export function makeSplitClients<TPrimary extends AnySchema, TData extends AnySchema>(
  layout: SplitLayout<TPrimary, TData>,
  splitMode: boolean,
  primary: DbHandle<AnySchema>,
  data: DbHandle<AnySchema>,
): SplitClients<TPrimary, TData> {
  return Object.freeze({
    layout,
    splitMode,
    primary: primary as unknown as DbHandle<TPrimary>,
    data: data as unknown as DbHandle<TData>,
    handle: (database: DatabaseName) => (database === 'primary' ? primary : data),
    async close() {
      await Promise.all(primary === data ? [primary.close()] : [primary.close(), data.close()]);
    },
  });
}
