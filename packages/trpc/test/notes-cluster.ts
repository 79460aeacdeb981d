import { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '@multidb/config/pglite';
import { createDbRouter, type DbRouter } from '@multidb/router';
import { createLaggingReplica, type LaggingReplica } from '@multidb/testing';
import { DDL, relational, type TestSchema } from './test-schema.js';

export interface NotesCluster {
  readonly replica: LaggingReplica<TestSchema>;
  readonly router: DbRouter<TestSchema>;
  /** Replay resumed and caught up, health checked: the next test starts with no lag. */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

/** A PGlite primary with the notes schema, a lagging in-memory replica that says its name, a router over both. */
export async function startNotesCluster(): Promise<NotesCluster> {
  const pg = await PGlite.create();
  await pg.exec(DDL);
  const replica = await createLaggingReplica(pg, { name: 'replica', ...relational });
  await replica.pglite.query(`UPDATE node_info SET name = 'replica'`);
  const router = createDbRouter<TestSchema>({
    primary: fromPglite(pg, relational),
    replicas: [{ name: 'replica', db: replica.db, positionSource: replica.positionSource }],
    health: { background: false },
    lag: { maxSeconds: Number.POSITIVE_INFINITY },
  });
  return {
    replica,
    router,
    async catchUp() {
      replica.resume();
      await replica.catchUp();
      await router.checkHealth();
    },
    async close() {
      await router.close();
      await replica.close();
      await pg.close();
    },
  };
}
