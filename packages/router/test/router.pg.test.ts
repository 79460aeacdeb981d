import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DbHandle } from '@multidb/config';
import { executeRows } from '@multidb/config';
import type { PgCluster, PgNode } from '@multidb/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createDbRouter, type Logger, type NodeHealthStatus } from '../src/index.js';
import {
  type DriverNodes,
  NODE_DRIVERS,
  type NotesCluster,
  type NotesRouter,
  notes,
  notesRouterNodes,
  notesRouterOptions,
  servedBy as servedOn,
  startNotesCluster,
} from './support/pg-notes.js';

const PASSWORD = 'PgMarker-4c1e9b';
/** The postgres.js that `connect()` loads (its package.json is not exported: found next to its entry point). */
function postgresJsVersion(): string {
  const entry = createRequire(import.meta.url).resolve('postgres');
  const manifest = join(entry.slice(0, entry.lastIndexOf('/node_modules/postgres/') + 23), 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
const NAMES = ['r0', 'r1'];

let at: NotesCluster;
let cluster: PgCluster;
let admin: DbHandle;
/** The router of the block that is running. */
let router: NotesRouter;
let r0: PgNode;
let r1: PgNode;

beforeAll(async () => {
  at = await startNotesCluster({ replicas: 2, password: PASSWORD }, NAMES);
  ({ cluster, admin } = at);
  [r0, r1] = at.replicas as [PgNode, PgNode];
});

afterAll(async () => {
  await at?.stop();
});

const status = (name: string) =>
  router.getHealthStatus().nodes.find((n) => n.name === name) as NodeHealthStatus;
const servedBy = (token?: string) => servedOn(router, at, token);
const writeNote = (body: string) => router.getClient('write').insert(notes).values({ body });

interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly context?: Readonly<Record<string, unknown>>;
}
function collect(lines: LogLine[]): Logger {
  const at = (level: string) => (message: string, context?: Readonly<Record<string, unknown>>) =>
    lines.push({ level, message, context });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

// Failover and read-your-writes run once per driver of the nodes: URLs the router opens (postgres.js), and a
// user's own `drizzle(new pg.Pool(...))` databases (node-postgres). The rest is driver-independent routing.
describe.each(NODE_DRIVERS)('real PostgreSQL, %s nodes', (driver) => {
  let nodes: DriverNodes;
  const logged: LogLine[] = [];

  beforeAll(async () => {
    nodes = notesRouterNodes(at, NAMES, driver);
    router = createDbRouter({ ...nodes.options, logger: collect(logged) });
    await router.checkHealth();
  });

  afterAll(async () => {
    await router?.close();
    await nodes?.close();
  });

  test('a replica stopped during a read load: 0 failed reads, out of rotation, back after restart', async () => {
    let running = true;
    let failures = 0;
    let reads = 0;
    const worker = async () => {
      while (running) {
        try {
          await router.getClient('read').select().from(notes).limit(1);
          reads++;
        } catch {
          failures++;
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    // A failure below must not leave the load running or r0 stopped for the tests after it.
    const stopLoad = async () => {
      running = false;
      await Promise.all(workers);
    };
    try {
      await vi.waitFor(() => expect(reads).toBeGreaterThan(50), { timeout: 10_000 });
      await r0.stop();
      await vi.waitFor(() => expect(status('r0')).toMatchObject({ healthy: false, inRotation: false }), {
        timeout: 10_000,
      });
      const readsOnR0 = router.getMetrics().routed.read.r0 ?? 0;
      const readsBefore = reads;
      await vi.waitFor(() => expect(reads).toBeGreaterThan(readsBefore + 100), { timeout: 10_000 });
      expect(router.getMetrics().routed.read.r0).toBe(readsOnR0);

      await r0.start();
      await vi.waitFor(() => expect(status('r0')).toMatchObject({ healthy: true, inRotation: true }), {
        timeout: 20_000,
      });
      await vi.waitFor(() => expect(router.getMetrics().routed.read.r0).toBeGreaterThan(readsOnR0 + 10), {
        timeout: 10_000,
      });
    } finally {
      await stopLoad();
      if (!r0.running) await r0.start();
    }
    expect(failures).toBe(0);
    // Connections cut by the shutdown can still report it after the restart: hysteresis absorbs most of that.
    expect(router.getMetrics().nodes.r0?.timesDown).toBeGreaterThanOrEqual(1);

    // Both transitions went through the logger: node name, role, the URL without its password (URL nodes).
    const down = logged.findIndex((l) => l.message === 'node r0 is down');
    const up = logged.findIndex((l, i) => i > down && l.message === 'node r0 is up again');
    expect(down).toBeGreaterThanOrEqual(0);
    expect(up).toBeGreaterThan(down);
    expect(logged[down]).toMatchObject({ level: 'warn', context: { node: 'r0', role: 'replica' } });
    expect(logged[up]).toMatchObject({ level: 'info', context: { node: 'r0', role: 'replica' } });
    if (driver === 'postgres.js') {
      expect(logged[down]?.context?.url).toBe(`postgres://postgres:***@127.0.0.1:${r0.port}/postgres`);
      expect(logged[up]?.context?.url).toBe(logged[down]?.context?.url);
    }
    expect(JSON.stringify(logged)).not.toContain(PASSWORD);
  });

  test('the primary stopped: writes refused as PrimaryUnavailable, reads stay on the replicas, writable after restart', async () => {
    await cluster.waitForReplication();
    await cluster.primary.stop();
    try {
      await expect(writeNote('while the primary is down')).rejects.toMatchObject({
        code: 'PrimaryUnavailable',
      });
      await vi.waitFor(() => expect(router.getHealthStatus().writable).toBe(false), { timeout: 10_000 });
      await expect(writeNote('still down')).rejects.toMatchObject({ code: 'PrimaryUnavailable' });
      const served = await Promise.all(Array.from({ length: 6 }, () => servedBy()));
      expect(served.filter((n) => n !== 'r0' && n !== 'r1')).toEqual([]);
    } finally {
      await cluster.primary.start();
    }
    await vi.waitFor(() => expect(router.getHealthStatus().writable).toBe(true), { timeout: 20_000 });
    await vi.waitFor(() => writeNote('after the restart'), { timeout: 10_000 });
    expect(logged.some((l) => l.message === 'node primary is down')).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(PASSWORD);
  });

  test('read-your-writes across two requests with paused replicas', async () => {
    const body = `mine, ${driver}`; // each driver's block writes its own rows into the shared cluster
    const mine = sql`select count(*)::int as n from ${notes} where body = ${body}`;
    let tokenOfFirstRequest = '';
    await cluster.waitForReplication();
    await r0.pauseReplay();
    await r1.pauseReplay();
    try {
      const token = await router.withConsistency(undefined, async () => {
        await writeNote(body);
        return router.consistencyToken();
      });
      await router.checkHealth();
      const stale = await executeRows<{ n: number }>(router.getClient('read'), mine);
      expect(stale).toEqual([{ n: 0 }]);
      const next = await router.withConsistency(token, async () => ({
        rows: await executeRows<{ n: number }>(router.getClient('read'), mine),
        node: await servedBy(),
      }));
      expect(next).toEqual({ rows: [{ n: 1 }], node: 'primary' });
      tokenOfFirstRequest = token;
    } finally {
      await r0.resumeReplay();
      await r1.resumeReplay();
    }
    await cluster.waitForReplication();
    await router.checkHealth();
    const later = await router.withConsistency(tokenOfFirstRequest, async () => ({
      rows: await executeRows<{ n: number }>(router.getClient('read'), mine),
      node: await servedBy(),
    }));
    expect(later.rows).toEqual([{ n: 1 }]);
    expect(['r0', 'r1']).toContain(later.node);
  });
});

describe('real PostgreSQL, postgres.js nodes: lag, probes, close()', () => {
  beforeAll(async () => {
    router = createDbRouter(notesRouterOptions(at, NAMES));
    await router.checkHealth();
  });

  afterAll(async () => {
    await router?.close();
  });

  test('lag: a paused replica is skipped and returns after resume', async () => {
    await cluster.waitForReplication();
    await router.checkHealth();
    await r0.pauseReplay();
    try {
      await admin.exec(`INSERT INTO notes (body) SELECT repeat('x', 200) FROM generate_series(1, 2000)`);
      await vi.waitFor(async () => {
        await router.checkHealth();
        expect(status('r1').inRotation).toBe(true);
      });
      expect(status('r0').lagBytes).toBeGreaterThan(64 * 1024);
      expect(status('r0')).toMatchObject({ replication: 'streaming', inRotation: false });
      expect(new Set(await Promise.all(Array.from({ length: 6 }, () => servedBy())))).toEqual(
        new Set(['r1']),
      );
    } finally {
      await r0.resumeReplay();
    }
    await cluster.waitForReplication();
    await vi.waitFor(async () => {
      await router.checkHealth();
      expect(status('r0')).toMatchObject({ inRotation: true });
    });
    expect(status('r0').lagBytes).toBeLessThanOrEqual(64 * 1024);
  });

  test('idle primary: lag stays ~0 while now() - pg_last_xact_replay_timestamp() keeps growing', async () => {
    await cluster.waitForReplication();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await router.checkHealth();
    const [naive] = await r1.sql(
      'SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds',
    );
    expect(Number(naive?.seconds)).toBeGreaterThanOrEqual(3);
    for (const name of ['r0', 'r1']) {
      expect(status(name).lagSeconds).toBeLessThan(1);
      expect(status(name).inRotation).toBe(true);
    }
  });

  test('disconnected WAL receiver: lag measured against the primary (never 0 after a write), streaming again after reconnect', async () => {
    await cluster.waitForReplication();
    const [setting] = await r1.sql('SHOW primary_conninfo');
    const conninfo = String(setting?.primary_conninfo);
    await r1.sql("ALTER SYSTEM SET primary_conninfo = ''");
    await r1.sql('SELECT pg_reload_conf()');
    await vi.waitFor(async () => expect(await r1.sql('SELECT 1 FROM pg_stat_wal_receiver')).toEqual([]), {
      timeout: 10_000,
    });
    try {
      await writeNote('while r1 is cut off');
      // The published trap: on the replica alone, "received = replayed" reads as no lag at all.
      const [naive] = await r1.sql(
        'SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS caught_up',
      );
      expect(naive?.caught_up).toBe(true);
      await router.checkHealth();
      // Measured against the primary: behind by the write it missed, never 0.
      expect(status('r1')).toMatchObject({ healthy: true, replication: 'disconnected' });
      expect(status('r1').lagBytes).toBeGreaterThan(0);
      expect(status('r1').lagSeconds).not.toBeNull();
    } finally {
      await r1.sql(`ALTER SYSTEM SET primary_conninfo = '${conninfo.replace(/'/g, "''")}'`);
      await r1.sql('SELECT pg_reload_conf()');
    }
    await vi.waitFor(
      async () => {
        await router.checkHealth();
        expect(status('r1')).toMatchObject({ replication: 'streaming', inRotation: true });
      },
      { timeout: 20_000 },
    );
  });

  test('no password in health or metrics', () => {
    expect(JSON.stringify(router.getHealthStatus())).not.toContain(PASSWORD);
    expect(JSON.stringify(router.getMetrics())).not.toContain(PASSWORD);
    expect(router.getHealthStatus().nodes.every((n) => n.url?.includes(':***@'))).toBe(true);
  });
  /** A router of its own under a read load of 4 loops through a restart of r1; `stopLoad()` ends the load. */
  async function ownRouterAfterRestartUnderLoad(): Promise<{ own: NotesRouter; stopLoad(): Promise<void> }> {
    const own = createDbRouter(notesRouterOptions(at, NAMES));
    await own.checkHealth();
    let running = true;
    let reads = 0;
    const worker = async () => {
      while (running) {
        await own
          .getClient('read')
          .select()
          .from(notes)
          .limit(1)
          .then(
            () => reads++,
            // A closed router refuses at once: without a pause this loop would starve the timers close() needs.
            () => new Promise((resolve) => setTimeout(resolve, 5)),
          );
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await vi.waitFor(() => expect(reads).toBeGreaterThan(20));
    await r1.stop();
    await r1.start();
    const before = reads;
    await vi.waitFor(() => expect(reads).toBeGreaterThan(before + 20), { timeout: 20_000 });
    return {
      own,
      async stopLoad() {
        running = false;
        await Promise.all(workers);
      },
    };
  }

  test('close() after a replica restart under load, with nothing in flight: well under a second on postgres.js 4', async () => {
    const { own, stopLoad } = await ownRouterAfterRestartUnderLoad();
    const r1Status = () => own.getHealthStatus().nodes.find((n) => n.name === 'r1');
    await vi.waitFor(() => expect(r1Status()).toMatchObject({ healthy: true, inRotation: true }), {
      timeout: 20_000,
    });
    await stopLoad();
    const started = performance.now();
    await own.close();
    const elapsedMs = performance.now() - started;
    const driver = postgresJsVersion();
    console.log(
      `close() with nothing in flight after a replica restart: ${elapsedMs.toFixed(0)} ms (postgres.js ${driver})`,
    );
    // postgres.js 3.4's end() waits out its whole timeout for pool connections that died in the restart and were
    // not used since (measured: 1 s for end({ timeout: 1 }) with 3.4.9, patched or not; 3 ms with 4.2.0). The
    // router's close timeout (1 s) bounds that; with 4.x nothing is left to wait for.
    expect(elapsedMs).toBeLessThan(driver.startsWith('3.') ? 1500 : 500);
    await expect(own.getClient('read').execute(sql`select 1`)).rejects.toMatchObject({
      code: 'RouterClosed',
    });
    await vi.waitFor(() => expect(status('r1').healthy).toBe(true), { timeout: 20_000 });
  });

  test('close() is bounded after a replica restart under load, even with a query still running', async () => {
    const { own, stopLoad } = await ownRouterAfterRestartUnderLoad();
    // A query that would run for a minute: close() ends it after the router's close timeout (1 s), not 5 s or 60.
    const sleeping = executeRows(own.getClient('analytics'), sql`select pg_sleep(60)`).catch(
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await own.close();
    const elapsedMs = performance.now() - started;
    await stopLoad();
    expect(await sleeping).toBeInstanceOf(Error);
    expect(elapsedMs).toBeLessThan(2500);
    await vi.waitFor(() => expect(status('r1').healthy).toBe(true), { timeout: 20_000 });
  });
});
