import type { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '@multidb/config/pglite';
import type { AnySchema, SplitLayout } from './define-split-schema.js';
import { clientRelationalOptions } from './drizzle-line.js';
import { makeSplitClients, type SplitClients } from './split-clients.js';

/**
 * Clients over PGlite instances the caller already has (test fixtures). Without `data` (or with the same
 * instance) the layout is not split. The clients close the instances unless `ownsClients` is false.
 */
export function splitClientsFromPglite<TPrimary extends AnySchema, TData extends AnySchema>(
  layout: SplitLayout<TPrimary, TData>,
  instances: { readonly primary: PGlite; readonly data?: PGlite },
  options: { readonly ownsClients?: boolean; readonly logger?: boolean } = {},
): SplitClients<TPrimary, TData> {
  const common = { ownsClient: options.ownsClients ?? true, logger: options.logger ?? false };
  if (instances.data === undefined || instances.data === instances.primary) {
    const single = fromPglite(instances.primary, {
      ...common,
      ...clientRelationalOptions(layout.schema, layout.relations),
      name: 'memory',
    });
    return makeSplitClients(layout, false, single, single);
  }
  const primary = fromPglite(instances.primary, {
    ...common,
    ...clientRelationalOptions(layout.primary.schema, layout.primary.relations),
    name: 'primary',
  });
  const data = fromPglite(instances.data, {
    ...common,
    ...clientRelationalOptions(layout.data.schema, layout.data.relations),
    name: 'data',
  });
  return makeSplitClients(layout, true, primary, data);
}
