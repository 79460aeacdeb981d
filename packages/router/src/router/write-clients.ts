import { isPgDatabase, MultiDbError } from '@multidb/config';
import type { RoutedDatabase } from '../routing/routed-database.js';
import type { WriteClientKind, WriteClientWrapper } from './router-options.js';

/** Applies the user's write-client wrapper, checking it kept a Drizzle database (a wrong one fails at start). */
export function wrapWriteClient<TSchema extends Record<string, unknown>>(
  db: RoutedDatabase<TSchema>,
  kind: WriteClientKind,
  wrapper: WriteClientWrapper | undefined,
): RoutedDatabase<TSchema> {
  if (wrapper === undefined) return db;
  const wrapped: unknown = wrapper(db, kind);
  if (!isPgDatabase(wrapped))
    throw new MultiDbError(
      'InvalidRouterConfig',
      `wrapWriteClients must return a Drizzle database (the one it was given, or an overlay of it) for the '${kind}' client`,
      { kind },
    );
  return wrapped as RoutedDatabase<TSchema>;
}
