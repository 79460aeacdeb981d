import { PGlite } from '@electric-sql/pglite';
import {
  createLaggingReplica,
  createMirrorReplica,
  type LaggingReplica,
  primaryInsertPosition,
} from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The in-memory replicas the router's PGlite tests rely on: faithful copies, a position comparable to the
// primary's insert LSN, and controllable delay, pause and receiver state.
let pg: PGlite;
let replica: LaggingReplica;
let now = 0;

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(`
    CREATE TABLE parent (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL,
      doubled integer GENERATED ALWAYS AS (id * 2) STORED);
    CREATE TABLE child (a integer, b integer, parent integer REFERENCES parent(id) ON DELETE CASCADE,
      payload json, PRIMARY KEY (a, b));
    CREATE TABLE keyless (x integer, doc jsonb, bin bytea, at timestamptz);
    INSERT INTO parent (name) VALUES ('before clone');`);
  replica = await createLaggingReplica(pg, { name: 'lagging', clock: { now: () => now } });
});
afterAll(async () => {
  await replica.close();
  await pg.close();
});

const rows = async (db: PGlite, sql: string) => (await db.query(sql)).rows;
const snapshot = (db: PGlite) =>
  Promise.all([
    rows(db, 'SELECT * FROM parent ORDER BY id'),
    rows(db, 'SELECT * FROM child ORDER BY a, b'),
    rows(db, 'SELECT x, doc, encode(bin, $$hex$$) AS bin, at FROM keyless ORDER BY x, doc::text'),
  ]);

describe('lagging replica', () => {
  test('starts as a clone and applies every kind of change faithfully', async () => {
    expect(await rows(replica.pglite, 'SELECT name FROM parent')).toEqual([{ name: 'before clone' }]);
    await pg.exec(`
      INSERT INTO parent (name) VALUES ('p2'), ('p3');
      INSERT INTO child VALUES (1, 1, 1, '{"k": [1, 2]}'), (1, 2, 2, null);
      INSERT INTO keyless VALUES (1, '{"a": 1}', '\\x00ff', now()), (1, '{"a": 1}', null, null), (2, null, null, null);
      UPDATE parent SET name = 'renamed' WHERE id = 1;
      UPDATE child SET b = 3 WHERE a = 1 AND b = 2;
      DELETE FROM keyless WHERE x = 1 AND bin IS NULL;
      DELETE FROM parent WHERE id = 2;`);
    await replica.catchUp();
    expect(await snapshot(replica.pglite)).toEqual(await snapshot(pg));
    expect(replica.replayPosition).toBe(await primaryInsertPosition(pg));
  });

  test('truncate, cascading to referencing tables', async () => {
    await pg.exec('TRUNCATE parent CASCADE');
    await replica.catchUp();
    expect(await snapshot(replica.pglite)).toEqual(await snapshot(pg));
    expect(await rows(replica.pglite, 'SELECT count(*)::int AS n FROM child')).toEqual([{ n: 0 }]);
  });

  test('a reset that truncates everything, capture log included, with RESTART IDENTITY', async () => {
    await pg.exec(`TRUNCATE parent, child, keyless, multidb_replication.changes RESTART IDENTITY CASCADE;
      INSERT INTO parent (name) VALUES ('after reset');`);
    await replica.catchUp();
    expect(await snapshot(replica.pglite)).toEqual(await snapshot(pg));
    expect(await rows(replica.pglite, 'SELECT id, name FROM parent')).toEqual([
      { id: 1, name: 'after reset' },
    ]);
  });

  test('changes apply only after the delay, and not while paused', async () => {
    replica.setDelay(5000);
    await pg.exec("INSERT INTO parent (name) VALUES ('delayed')");
    const count = async () =>
      (await rows(replica.pglite, "SELECT count(*)::int AS n FROM parent WHERE name = 'delayed'"))[0];
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await count()).toEqual({ n: 0 });
    replica.pause();
    now += 6000;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await count()).toEqual({ n: 0 });
    replica.resume();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await count()).toEqual({ n: 1 });
    replica.setDelay(0);
  });

  test('reports its position and receiver state; stopping it refuses connections', async () => {
    await replica.catchUp();
    const before = await replica.positionSource.sample();
    expect(before).toEqual({
      role: 'standby',
      replayPosition: await primaryInsertPosition(pg),
      receiving: true,
    });
    replica.disconnectReceiver();
    await pg.exec("INSERT INTO parent (name) VALUES ('unseen')");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await replica.positionSource.sample()).toEqual({ ...before, receiving: false });
    replica.reconnectReceiver();
    replica.stop();
    await expect(replica.positionSource.sample()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(replica.db.execute('select 1')).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    replica.start();
    await replica.catchUp();
    expect(await rows(replica.pglite, "SELECT name FROM parent WHERE name = 'unseen'")).toHaveLength(1);
  });
});

test('mirror replica: the primary itself, always caught up, can be stopped', async () => {
  const mirror = createMirrorReplica(pg, { name: 'mirror' });
  await pg.exec("INSERT INTO parent (name) VALUES ('mirrored')");
  expect(await mirror.positionSource.sample()).toEqual({
    role: 'standby',
    replayPosition: await primaryInsertPosition(pg),
    receiving: true,
  });
  expect(
    await mirror.db.execute("select count(*)::int as n from parent where name = 'mirrored'"),
  ).toMatchObject({
    rows: [{ n: 1 }],
  });
  mirror.stop();
  await expect(mirror.positionSource.sample()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  mirror.start();
  await mirror.close();
  expect(pg.closed).toBe(false);
});
