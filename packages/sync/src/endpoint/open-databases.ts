import { describeError, failureKinds, isConnectionFailure } from '@multidb/config';
import { err, ok, type Result } from 'neverthrow';
import type { Catalog } from '../catalog/catalog-types.js';
import { introspect } from '../catalog/introspect.js';
import type { SchemaFilter } from '../catalog/schema-filter.js';
import { type DatabaseInput, resolveEndpoint } from './resolve-endpoint.js';
import type { SqlEndpoint } from './sql-endpoint.js';

export type Side = 'source' | 'target';

/** Expected failures before any table is touched. Messages never hold credentials. */
export type SetupError =
  | { readonly type: 'InvalidOptions'; readonly message: string }
  | { readonly type: 'ConnectFailed'; readonly side: Side; readonly message: string }
  | { readonly type: 'IntrospectionFailed'; readonly side: Side; readonly message: string };

/** Both databases, opened and introspected. `close()` closes what was opened here (URLs), nothing else. */
export interface OpenDatabases {
  readonly source: SqlEndpoint;
  readonly target: SqlEndpoint;
  readonly sourceCatalog: Catalog;
  readonly targetCatalog: Catalog;
  close(): Promise<void>;
}

async function openSide(input: DatabaseInput, side: Side): Promise<Result<SqlEndpoint, SetupError>> {
  try {
    return ok(await resolveEndpoint(input, side));
  } catch (error) {
    return err({ type: 'ConnectFailed', side, message: `cannot open the ${side}: ${describeError(error)}` });
  }
}

async function readCatalog(
  endpoint: SqlEndpoint,
  side: Side,
  filter: SchemaFilter,
): Promise<Result<Catalog, SetupError>> {
  try {
    return ok(await introspect(endpoint, filter));
  } catch (error) {
    const message = `cannot read the ${side} catalog (${endpoint.safeUrl}): ${describeError(error)}`;
    return err({
      type: cannotConnect(error) ? 'ConnectFailed' : 'IntrospectionFailed',
      side,
      message,
    });
  }
}

/** A connection that could not be made or broke, or a login the server refused (drivers connect lazily). */
const cannotConnect = (error: unknown) => isConnectionFailure(error) || failureKinds(error).has('rejected');

/** Opens both databases and reads both catalogs; on any failure closes what it opened. */
export async function openDatabases(
  source: DatabaseInput,
  target: DatabaseInput,
  filter: SchemaFilter,
): Promise<Result<OpenDatabases, SetupError>> {
  const sourceEndpoint = await openSide(source, 'source');
  if (sourceEndpoint.isErr()) return err(sourceEndpoint.error);
  const targetEndpoint = await openSide(target, 'target');
  if (targetEndpoint.isErr()) {
    await sourceEndpoint.value.close();
    return err(targetEndpoint.error);
  }
  const close = async () => {
    await Promise.allSettled([sourceEndpoint.value.close(), targetEndpoint.value.close()]);
  };
  const [sourceCatalog, targetCatalog] = await Promise.all([
    readCatalog(sourceEndpoint.value, 'source', filter),
    readCatalog(targetEndpoint.value, 'target', filter),
  ]);
  if (sourceCatalog.isErr()) {
    await close();
    return err(sourceCatalog.error);
  }
  if (targetCatalog.isErr()) {
    await close();
    return err(targetCatalog.error);
  }
  return ok({
    source: sourceEndpoint.value,
    target: targetEndpoint.value,
    sourceCatalog: sourceCatalog.value,
    targetCatalog: targetCatalog.value,
    close,
  });
}
