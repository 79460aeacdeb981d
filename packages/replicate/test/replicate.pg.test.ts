import { createDualWriter } from '@multidb/dual-write';
import { checkDrift } from '@multidb/sync';
import { type PgCluster, type PgNode, startPgCluster } from '@multidb/testing';
import { integer, pgSchema, serial, text } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkReplication,
  type ReplicationCheck,
  ReplicationMonitor,
  replicatedTables,
  replicationStatus,
  setupReplication,
  syncSequences,
  teardownReplication,
} from '../src/index.js';

// PostgreSQL's own logical replication as the backup's engine, on real PostgreSQL 15 servers started with
// wal_level = logical: every pre-flight condition refused on its own, then set-up with the initial copy, writes
// of every kind (raw SQL, a trigger, a cascade), a backup restart under load, an added column, sequences, teardown.

const SCHEMA = [
  'create schema app',
  'create table app.parents (id serial primary key, name text not null)',
  'create table app.children (id int primary key, parent_id int not null references app.parents (id) on delete cascade, note text)',
  'create table app.audit (id bigserial primary key, msg text not null)',
  `create function app.audit_parent() returns trigger language plpgsql as $$
     begin insert into app.audit (msg) values ('parent ' || new.id); return new; end $$`,
  'create trigger parents_audit after insert on app.parents for each row execute function app.audit_parent()',
  'create table app.keyless (a int, b text)',
  'create table app.notes (id int primary key, body text)',
];
const app = pgSchema('app');
const parentsTable = app.table('parents', { id: serial('id').primaryKey(), name: text('name').notNull() });
const notesTable = app.table('notes', { id: integer('id').primaryKey(), body: text('body') });
const TABLES = ['app.parents', 'app.children', 'app.audit'];

let cluster: PgCluster;
let primary: PgNode;
let backup: PgNode;
let db: postgres.Sql;

async function script(node: PgNode, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await node.sql(statement);
}

async function count(node: PgNode, table: string): Promise<number> {
  const [row] = await node.sql(`select count(*)::int as n from ${table}`);
  return Number(row?.n);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The backup has applied everything the primary wrote so far (the slot confirmed the current position). */
async function caughtUp(): Promise<void> {
  const [row] = await primary.sql('select pg_current_wal_lsn()::text as lsn');
  const lsn = String(row?.lsn);
  await until('the backup to confirm the primary position', async () => {
    const [slot] = await primary.sql(
      `select confirmed_flush_lsn >= '${lsn}'::pg_lsn as done from pg_replication_slots where slot_name = 'multidb_backup'`,
    );
    return slot?.done === true;
  });
}

const options = () => ({ primary: primary.url, backup: backup.url, tables: TABLES });

async function problems(overrides: Record<string, unknown> = {}): Promise<ReplicationCheck[]> {
  const result = await checkReplication({ ...options(), ...overrides });
  if (result.isErr()) throw new Error(result.error.message);
  return result.value.problems.map((p) => p.check);
}

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0, backup: true, settings: { wal_level: 'logical' } });
  primary = cluster.primary;
  backup = cluster.backup as PgNode;
  await script(primary, SCHEMA);
  await script(backup, SCHEMA);
  db = postgres(primary.url, { max: 4, onnotice: () => {} });
  await db`insert into app.parents (name) select 'p' || g from generate_series(1, 200) g`;
  await db`insert into app.children (id, parent_id, note) select g, 1 + g % 200, 'c' || g from generate_series(1, 600) g`;
});

afterAll(async () => {
  await db?.end({ timeout: 1 });
  await cluster?.stop();
});

describe('pre-flight: each missing condition is refused on its own, nothing is created', () => {
  it('passes on a ready pair', async () => {
    expect(await problems()).toEqual([]);
    const [pub] = await primary.sql('select count(*)::int as n from pg_publication');
    const [sub] = await backup.sql('select count(*)::int as n from pg_subscription');
    expect([pub?.n, sub?.n]).toEqual([0, 0]);
  });

  it('a published table without a primary key or replica identity', async () => {
    expect(await problems({ tables: [...TABLES, 'app.keyless'] })).toEqual(['replica-identity']);
    await primary.sql('alter table app.keyless replica identity full');
    try {
      await backup.sql('alter table app.keyless replica identity full');
      expect(await problems({ tables: [...TABLES, 'app.keyless'] })).toEqual([]);
    } finally {
      await primary.sql('alter table app.keyless replica identity default');
      await backup.sql('alter table app.keyless replica identity default');
    }
  });

  it('a table the primary does not have', async () => {
    expect(await problems({ tables: [...TABLES, 'app.nope'] })).toEqual(['no-tables']);
  });

  it("the backup's schema differs", async () => {
    await primary.sql('alter table app.children add column extra int');
    try {
      expect(await problems()).toEqual(['schema']);
    } finally {
      await primary.sql('alter table app.children drop column extra');
    }
  });

  it('backup tables that already hold rows (unless truncate or skipCopy)', async () => {
    await backup.sql(`insert into app.audit (id, msg) values (9999, 'stray')`);
    try {
      expect(await problems()).toEqual(['backup-not-empty']);
      expect(await problems({ truncate: true })).toEqual([]);
      expect(await problems({ skipCopy: true })).toEqual([]);
    } finally {
      await backup.sql('delete from app.audit where id = 9999');
    }
  });

  it('a primary role without REPLICATION that does not own the tables', async () => {
    await primary.sql(`create role plain login`);
    await primary.sql('grant usage on schema app to plain');
    await primary.sql('grant select on all tables in schema app to plain');
    try {
      const url = new URL(primary.url);
      url.username = 'plain';
      const found = await problems({ primary: url.toString() });
      expect(found).toContain('primary-privileges');
      // The subscription would log in as that role too, so the connection probe fails for the same reason.
      expect(
        found.every((check) => check === 'primary-privileges' || check === 'backup-reaches-primary'),
      ).toBe(true);
    } finally {
      await primary.sql('drop owned by plain');
      await primary.sql('drop role plain');
    }
  });

  it('a backup role that may not create subscriptions (PostgreSQL 15: superuser only)', async () => {
    await backup.sql('create role plain login');
    try {
      const url = new URL(backup.url);
      url.username = 'plain';
      const result = await checkReplication({ ...options(), backup: url.toString() });
      if (result.isErr()) throw new Error(result.error.message);
      expect(result.value.problems.map((p) => p.check)).toEqual(['backup-privileges']);
    } finally {
      await backup.sql('drop role plain');
    }
  });

  it('the backup server cannot reach the primary with the connection string', async () => {
    const wrong = new URL(primary.url);
    wrong.port = '1';
    const result = await checkReplication({ ...options(), publisherUrl: wrong.toString() });
    if (result.isErr()) throw new Error(result.error.message);
    expect(result.value.problems.map((p) => p.check)).toEqual(['backup-reaches-primary']);
    const [probe] = await backup.sql('select count(*)::int as n from pg_subscription');
    expect(probe?.n, 'the probe leaves nothing behind').toBe(0);
  });

  it('too few free replication slots', async () => {
    const [free] = await primary.sql(
      `select current_setting('max_replication_slots')::int - count(*)::int as n from pg_replication_slots`,
    );
    const fill = Number(free?.n) - 2; // leaves 2 free: the initial copy of 3 tables needs 1 + 2
    for (let i = 0; i < fill + 1; i++)
      await primary.sql(`select pg_create_physical_replication_slot('filler_${i}')`);
    try {
      expect(await problems()).toEqual(['replication-slots']);
    } finally {
      for (let i = 0; i < fill + 1; i++) await primary.sql(`select pg_drop_replication_slot('filler_${i}')`);
    }
  });

  it('bad options are typed errors before anything connects', async () => {
    const result = await setupReplication({ ...options(), name: 'Bad Name' });
    expect(result.isErr() && result.error.type).toBe('InvalidOptions');
    const pglite = await setupReplication({ ...options(), backup: 'pglite:memory' });
    expect(pglite.isErr() && pglite.error.type).toBe('InvalidOptions');
  });
});

describe('set up, replicate, watch, tear down', () => {
  it('copies the tables, then every kind of write reaches the backup; drift finds nothing', async () => {
    const progress: number[] = [];
    const setup = await setupReplication({ ...options(), onProgress: ({ ready }) => progress.push(ready) });
    if (setup.isErr()) throw new Error(setup.error.message);
    expect(setup.value.tables).toEqual(TABLES);
    expect(progress.at(-1)).toBe(3);
    expect(await count(backup, 'app.parents')).toBe(200);
    expect(await count(backup, 'app.children')).toBe(600);

    // Raw SQL, a trigger's insert, a cascade: none of which application-level capture sees.
    await db.unsafe(`insert into app.parents (name) values ('raw')`);
    await db`update app.children set note = 'changed' where parent_id = 2`;
    await db`delete from app.parents where id = 1`; // cascades to its children
    await caughtUp();
    expect(await count(backup, 'app.children')).toBe(await count(primary, 'app.children'));
    expect(await count(backup, 'app.audit')).toBe(await count(primary, 'app.audit'));
    const drift = await checkDrift({
      source: primary.url,
      target: backup.url,
      tables: TABLES,
      recheckDelayMs: 0,
    });
    if (drift.isErr()) throw new Error(drift.error.message);
    expect(drift.value.tables.map((t) => `${t.table}: ${t.status}`).sort()).toEqual(
      TABLES.map((t) => `${t}: clean`).sort(),
    );
    expect(drift.value.clean).toBe(true);

    const status = await replicationStatus(options());
    if (status.isErr()) throw new Error(status.error.message);
    expect(status.value.tables.map((t) => t.state)).toEqual(['ready', 'ready', 'ready']);
    expect(status.value.slot?.active).toBe(true);
    expect(status.value.lagBytes).toBeGreaterThanOrEqual(0);
    expect(status.value.warnings).toEqual([]);
    expect(JSON.stringify(status.value)).not.toContain('postgres@');

    expect((await replicatedTables(primary.url))._unsafeUnwrap()).toEqual([...TABLES].sort());
    expect(await problems(), 'a second set-up is refused').toContain('already-set-up');
  });

  it('a monitor keeps the latest status for health endpoints and scrapes, unhealthy while the backup is down', async () => {
    const monitor = new ReplicationMonitor({ ...options(), intervalMs: 60_000 });
    await monitor.start();
    try {
      expect(monitor.latest()).toMatchObject({ healthy: true, applyErrors: 0 });
      expect(monitor.latest()?.lagBytes).toBeGreaterThanOrEqual(0);
      await backup.stop();
      try {
        await monitor.refresh();
        expect(monitor.latest()?.healthy).toBe(false);
        expect(monitor.latest()?.warnings.join(' ')).toContain('cannot reach the backup');
        expect(JSON.stringify(monitor.latest())).not.toContain('postgres://');
      } finally {
        await backup.start();
      }
    } finally {
      await monitor.stop();
    }
  });

  it('dual-write leaves replicated tables to the subscription and keeps applying the others', async () => {
    const backupSql = postgres(backup.url, { max: 2, onnotice: () => {} });
    const warnings: string[] = [];
    const writer = createDualWriter({
      backup: drizzle({ client: backupSql }),
      primary: drizzle({ client: db }),
      schema: { parentsTable, notesTable },
      logger: {
        warn: (message, context) => warnings.push(`${message} ${String(context?.table)}`),
        error: (message) => warnings.push(message),
      },
    });
    try {
      const wrapped = writer.wrap(drizzle({ client: db }));
      await wrapped.insert(notesTable).values({ id: 1, body: 'only dual-write copies this table' });
      const [parent] = await wrapped.insert(parentsTable).values({ name: 'replicated' }).returning();
      expect(await writer.flush(10_000)).toBe(true);
      await caughtUp();
      const [note] = await backup.sql('select body from app.notes where id = 1');
      expect(note?.body).toBe('only dual-write copies this table');
      const [copy] = await backup.sql(`select name from app.parents where id = ${parent?.id}`);
      expect(copy?.name).toBe('replicated');
      expect(warnings.filter((w) => w.includes('app.parents'))).toHaveLength(1);
      const status = (await replicationStatus(options()))._unsafeUnwrap();
      expect(status.applyErrors, 'the subscription never met a row dual-write wrote first').toBe(0);
    } finally {
      await writer.drain(5000);
      await backupSql.end({ timeout: 1 });
    }
  });

  it('the backup stopped and restarted under load catches up with nothing lost', async () => {
    let writes = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        await db`insert into app.children (id, parent_id, note) values (${10_000 + writes}, 2, 'load')`;
        writes++;
      }
    })();
    await until('some writes', async () => writes > 50);
    await backup.stop();
    const down = await replicationStatus(options());
    expect(down.isErr() && down.error.type).toBe('ConnectFailed');
    await until('writes while the backup is down', async () => writes > 300);
    await backup.start();
    await until('more writes after the restart', async () => writes > 500);
    stop = true;
    await load;
    await caughtUp();
    expect(await count(backup, 'app.children')).toBe(await count(primary, 'app.children'));
  });

  it('a column added (backup first) while writes run keeps replicating', async () => {
    let stop = false;
    let n = 0;
    const load = (async () => {
      while (!stop) {
        await db`update app.children set note = ${`w${n++}`} where id = 5`;
      }
    })();
    // Additive change: the backup first, so replication never meets a column the backup lacks.
    await backup.sql('alter table app.children add column score int');
    await primary.sql('alter table app.children add column score int');
    await db`update app.children set score = 42 where parent_id = 3`;
    stop = true;
    await load;
    await caughtUp();
    const [row] = await backup.sql('select count(*)::int as n from app.children where score = 42');
    const [expected] = await primary.sql('select count(*)::int as n from app.children where score = 42');
    expect(row?.n).toBe(expected?.n);
    const status = await replicationStatus(options());
    expect(status._unsafeUnwrap().applyErrors).toBe(0);
  });

  it('sequences are copied to the backup (logical replication leaves them behind)', async () => {
    const [before] = await backup.sql(`select last_value::int as v from app.parents_id_seq`);
    const [onPrimary] = await primary.sql(`select last_value::int as v from app.parents_id_seq`);
    expect(before?.v).not.toBe(onPrimary?.v);
    const synced = await syncSequences(options());
    if (synced.isErr()) throw new Error(synced.error.message);
    expect(synced.value.synced).toEqual(expect.arrayContaining(['app.parents_id_seq', 'app.audit_id_seq']));
    const [after] = await backup.sql(`select last_value::int as v from app.parents_id_seq`);
    expect(after?.v).toBe(onPrimary?.v);
    // Idempotent.
    expect((await syncSequences(options()))._unsafeUnwrap().synced).toEqual(synced.value.synced);
  });

  it('teardown leaves no subscription, publication or slot behind', async () => {
    const down = await teardownReplication(options());
    if (down.isErr()) throw new Error(down.error.message);
    expect(down.value).toMatchObject({
      subscriptionDropped: true,
      publicationDropped: true,
      leftOnPrimary: [],
    });
    const [left] = await primary.sql(
      `select (select count(*)::int from pg_replication_slots) as slots, (select count(*)::int from pg_publication) as pubs`,
    );
    expect(left).toEqual({ slots: 0, pubs: 0 });
    const [subs] = await backup.sql('select count(*)::int as n from pg_subscription');
    expect(subs?.n).toBe(0);
  });

  it('teardown with the primary gone detaches the backup and says what is left on the primary', async () => {
    await backup.sql('truncate app.parents, app.children, app.audit');
    await backup.sql('alter table app.children drop column score');
    await primary.sql('alter table app.children drop column score');
    const setup = await setupReplication(options());
    if (setup.isErr()) throw new Error(setup.error.message);
    await primary.stop();
    try {
      const down = await teardownReplication(options());
      if (down.isErr()) throw new Error(down.error.message);
      expect(down.value.subscriptionDropped).toBe(true);
      expect(down.value.leftOnPrimary.length).toBe(1);
    } finally {
      await primary.start();
    }
    const again = await teardownReplication(options());
    expect(again._unsafeUnwrap()).toMatchObject({
      publicationDropped: true,
      slotDropped: true,
      leftOnPrimary: [],
    });
    const [slots] = await primary.sql('select count(*)::int as n from pg_replication_slots');
    expect(slots?.n).toBe(0);
  });
});
