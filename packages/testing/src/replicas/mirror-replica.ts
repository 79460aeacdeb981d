import type { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import type { Logger } from 'drizzle-orm';
import { primaryInsertPosition, type ReplicaPositionSource } from './replica-position.js';
import { ReplicaSwitch } from './replica-switch.js';

export interface MirrorReplicaOptions<TSchema extends Record<string, unknown>> {
  readonly name?: string;
  /** drizzle-orm 0.45: the schema for `db.query` (relational queries). */
  readonly schema?: TSchema;
  /** drizzle-orm 1.0: `defineRelations(schema, ...)`, for `db.query` (relational queries v2). */
  readonly relations?: object | undefined;
  /** Drizzle logger for queries run on the mirror. */
  readonly logger?: Logger;
}

/** A replica that is the primary itself (Django's TEST MIRROR): always caught up, can be stopped. */
export interface MirrorReplica<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly name: string;
  readonly db: DbHandle<TSchema>['db'];
  readonly handle: DbHandle<TSchema>;
  readonly positionSource: ReplicaPositionSource;
  /** Queries and probes fail like a refused connection until `start()`. */
  stop(): void;
  start(): void;
  setLatency(ms: number): void;
  /** Detaches the mirror; the primary stays open. */
  close(): Promise<void>;
}

export function createMirrorReplica<TSchema extends Record<string, unknown> = Record<string, never>>(
  primary: PGlite,
  options: MirrorReplicaOptions<TSchema> = {},
): MirrorReplica<TSchema> {
  const name = options.name ?? 'mirror';
  const gate = new ReplicaSwitch(name);
  const handle = fromPglite(gate.wrap(primary), {
    schema: options.schema,
    relations: options.relations,
    logger: options.logger,
    ownsClient: false,
    name,
  });
  return {
    name,
    db: handle.db,
    handle,
    positionSource: {
      async sample() {
        await gate.pass();
        return { role: 'standby', replayPosition: await primaryInsertPosition(primary), receiving: true };
      },
    },
    stop: () => gate.stop(),
    start: () => gate.start(),
    setLatency: (ms) => gate.setLatency(ms),
    close: async () => gate.close(),
  };
}
