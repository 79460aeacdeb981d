import { type AnyPgDatabase, DRIVER_SOURCE, type Intent } from '@multidb/config';
import { entityKind } from 'drizzle-orm';
import type { LineDatabase } from './lines/types.js';

/** The `$primary` / `$replicas` escape hatches, resolved lazily (they are routed databases too). */
export interface EscapeHatches {
  primary(): AnyPgDatabase;
  replicas(): readonly AnyPgDatabase[];
}

/** What a routed client is bound to. */
export interface RoutedBinding {
  readonly intent: Intent | undefined;
  readonly node: string | undefined;
  /** The node database whose driver this client's writes run on (the primary, or the pinned node). */
  readonly driverSource: () => AnyPgDatabase | undefined;
  readonly hatches: EscapeHatches;
}

/** What the router adds to the Drizzle database it returns. */
export interface RoutedExtras<TSchema extends Record<string, unknown>> {
  /** The intent this client routes for; `undefined` for a client pinned to one node. */
  readonly $intent: Intent | undefined;
  /** The node this client is pinned to (escape hatches); `undefined` for routed clients. */
  readonly $node: string | undefined;
  /** Every query on the primary, bypassing routing (no intent rules, no failover). */
  readonly $primary: RoutedDatabase<TSchema>;
  /** One client per replica and DR node, in configuration order, bypassing routing. */
  readonly $replicas: readonly RoutedDatabase<TSchema>[];
}

/**
 * A real Drizzle database whose session routes every query: drizzle-orm 0.45 a `PgDatabase<PgQueryResultHKT,
 * TSchema>` (`TSchema`: the full schema, `db.query` typed by it), 1.0 a `PgAsyncDatabase<PgQueryResultHKT,
 * TSchema>` (`TSchema`: the `defineRelations(...)` result, relational queries v2 typed by it). Like Drizzle's
 * `withReplicas`, it has `$primary` and `$replicas`.
 */
export type RoutedDatabase<TSchema extends Record<string, unknown> = Record<string, never>> =
  LineDatabase<TSchema> & RoutedExtras<TSchema>;

/** `db instanceof RoutedDatabase` / `is(db, RoutedDatabase)`: a client built by a router, on either line. */
export const RoutedDatabase: {
  readonly [entityKind]: string;
  [Symbol.hasInstance](value: unknown): boolean;
} = {
  [entityKind]: 'RoutedDatabase',
  [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    for (let cls = Object.getPrototypeOf(value)?.constructor; cls; cls = Object.getPrototypeOf(cls))
      if ((cls as { [entityKind]?: unknown })[entityKind] === 'RoutedDatabase') return true;
    return false;
  },
};

/** Sets the router's own members on a routed client (both lines' classes call it from their constructor). */
export function bindRouted(db: object, binding: RoutedBinding): void {
  // Accessors that do not depend on `this`: overlays built with `Object.create(db)` or a Proxy (write-client
  // wrappers such as dual-write's) inherit them and still reach the escape hatches.
  Object.defineProperties(db, {
    $intent: { value: binding.intent, enumerable: true },
    $node: { value: binding.node, enumerable: true },
    $primary: { get: () => binding.hatches.primary(), enumerable: false },
    $replicas: { get: () => binding.hatches.replicas(), enumerable: false },
    // `driverOf(db)` (e.g. dual-write shaping a result the way the primary's driver does) follows it.
    [DRIVER_SOURCE]: { value: binding.driverSource, enumerable: false },
  });
}
