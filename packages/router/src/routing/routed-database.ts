import { type AnyPgDatabase, DRIVER_SOURCE, type Intent } from '@multidb/config';
import { entityKind } from 'drizzle-orm';
import { PgDatabase, type PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type {
  ExtractTablesWithRelations,
  RelationalSchemaConfig,
  TablesRelationalConfig,
} from 'drizzle-orm/relations';
import type { RoutingSession } from './routing-session.js';

/** The `$primary` / `$replicas` escape hatches, resolved lazily (they are routed databases too). */
export interface EscapeHatches<TFullSchema extends Record<string, unknown>> {
  primary(): RoutedDatabase<TFullSchema>;
  replicas(): readonly RoutedDatabase<TFullSchema>[];
}

/**
 * A real Drizzle `PgDatabase` (prototype intact, `is(db, PgDatabase)` true, `db.query` typed with the schema)
 * whose session routes every query. Like Drizzle's `withReplicas`, it has `$primary` and `$replicas`.
 */
export class RoutedDatabase<
  TFullSchema extends Record<string, unknown> = Record<string, never>,
  TSchema extends TablesRelationalConfig = ExtractTablesWithRelations<TFullSchema>,
> extends PgDatabase<PgQueryResultHKT, TFullSchema, TSchema> {
  static override readonly [entityKind]: string = 'RoutedDatabase';
  /** The intent this client routes for; `undefined` for a client pinned to one node. */
  readonly $intent: Intent | undefined;
  /** The node this client is pinned to (escape hatches); `undefined` for routed clients. */
  readonly $node: string | undefined;
  /** Every query on the primary, bypassing routing (no intent rules, no failover). */
  declare readonly $primary: RoutedDatabase<TFullSchema>;
  /** One client per replica and DR node, in configuration order, bypassing routing. */
  declare readonly $replicas: readonly RoutedDatabase<TFullSchema>[];

  constructor(
    dialect: PgDialect,
    session: RoutingSession<TFullSchema, TSchema>,
    schema: RelationalSchemaConfig<TSchema> | undefined,
    binding: {
      readonly intent: Intent | undefined;
      readonly node: string | undefined;
      /** The node database whose driver this client's writes run on (the primary, or the pinned node). */
      readonly driverSource: () => AnyPgDatabase | undefined;
    },
    hatches: EscapeHatches<TFullSchema>,
  ) {
    super(dialect, session, schema);
    this.$intent = binding.intent;
    this.$node = binding.node;
    // Accessors that do not depend on `this`: overlays built with `Object.create(db)` or a Proxy (write-client
    // wrappers such as dual-write's) inherit them and still reach the escape hatches.
    Object.defineProperties(this, {
      $primary: { get: () => hatches.primary(), enumerable: false },
      $replicas: { get: () => hatches.replicas(), enumerable: false },
      // `driverOf(db)` (e.g. dual-write shaping a result the way the primary's driver does) follows it.
      [DRIVER_SOURCE]: { value: binding.driverSource, enumerable: false },
    });
  }
}
