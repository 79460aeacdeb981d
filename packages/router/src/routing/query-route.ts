import type { Intent } from '@multidb/config';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import type { RouterNode } from '../nodes/router-node.js';
import type { StatementClass } from '../sql/sql-classifier.js';
import type { StatementInfo } from '../telemetry/db-attributes.js';

// biome-ignore lint/suspicious/noExplicitAny: a transaction of any driver, schema and drizzle-orm line
export type AnyTransaction = any;

/** A node's own Drizzle session (any driver, either line): the router prepares queries on it. */
export interface AnySession {
  transaction<T>(fn: (tx: AnyTransaction) => Promise<T>, config?: PgTransactionConfig): Promise<T>;
}

/** What a client is bound to: an intent (routed), or one node (the `$primary` / `$replicas` escape hatches). */
export interface QueryRoute {
  readonly intent: Intent | undefined;
  readonly pinned: RouterNode | undefined;
  /** Position from an explicit `getClient(intent, { token })`. */
  readonly required: bigint | undefined;
  /** The explicit token was malformed or forged. */
  readonly invalidToken: boolean;
}

/** The part of the router that routing sessions call: choose a node, run, account for it. */
export interface QueryRunner {
  run<T>(
    route: QueryRoute,
    kind: StatementClass,
    exec: (session: AnySession) => Promise<T>,
    /** What the query is (operation, tables, text) for telemetry. */
    statement?: StatementInfo,
  ): Promise<T>;
  transaction<T>(
    route: QueryRoute,
    fn: (tx: AnyTransaction) => Promise<T>,
    config: PgTransactionConfig | undefined,
  ): Promise<T>;
}
