import { MultiDbError } from '@multidb/config';
import { describe, expect, test } from 'vitest';
import {
  type BackupQueueSource,
  createDbRouter,
  createOpsHandler,
  type DbRouter,
  driftRecorder,
} from '../src/index.js';
import { useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

const MARKER = 'Marker-Secret-77c3';
const TOKEN = 'ops-token-0123456789abcdef';
const PAGE = 'http://127.0.0.1/ops';
const suite = useInMemoryCluster(['replica']);

function makeRouter(): DbRouter<TestSchema> {
  return suite.track(
    createDbRouter<TestSchema>({
      primary: suite.cluster.primary,
      replicas: [
        suite.cluster.spec('replica'),
        { name: 'remote', db: `postgres://app:${MARKER}@127.0.0.1:1/app?password=${MARKER}` },
      ],
      health: { background: false, failuresToDown: 1 },
      lag: { maxSeconds: 30, maxBytes: 1 << 20 },
      connect: { connectTimeout: 2 },
    }),
  );
}

const writer: BackupQueueSource = {
  metrics: () => ({
    mode: 'durable',
    depth: 5,
    oldestPendingAgeMs: 2500,
    deadLettered: 2,
    overflowed: 0,
    backupReachable: false,
  }),
};
const replication = {
  latest: () => ({
    healthy: false,
    lagBytes: 1000,
    lagMs: 1500,
    slot: { retainedBytes: 2048 },
    applyErrors: 1,
    syncErrors: 0,
    warnings: [`subscription lagging on postgres://repl:${MARKER}@backup.internal:5432/app`],
  }),
};

const bearer = (url = PAGE, init: RequestInit = {}) =>
  new Request(url, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });

describe('createOpsHandler', () => {
  test('without the token, or with a wrong one: 401 and nothing else', async () => {
    const router = makeRouter();
    await router.checkHealth();
    const ops = createOpsHandler({ router, token: TOKEN, writers: { backup: writer } });
    const attempts = [
      new Request(PAGE),
      new Request(`${PAGE}?state=1`),
      new Request(PAGE, { headers: { authorization: 'Bearer wrong-token-0123456789' } }),
      new Request(PAGE, { headers: { authorization: `Basic ${btoa(`ops:${TOKEN}`)}` } }),
      new Request(PAGE, { headers: { cookie: 'multidb_ops=wrong-token-0123456789' } }),
      new Request(`${PAGE}?token=wrong-token-0123456789`),
      new Request(PAGE, { method: 'POST' }),
    ];
    for (const req of attempts) {
      const res = await ops(req);
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toBe('unauthorized\n');
    }
    expect(() => createOpsHandler({ router, token: 'short' })).toThrow(MultiDbError);
  });

  test('the page: server-rendered, inline only, under a nonce CSP; no connection string, password or query text', async () => {
    const router = makeRouter();
    await router.checkHealth();
    await router.getClient('write').insert(users).values({ email: 'a@x', name: 'A' });
    for (let i = 0; i < 3; i++) await router.getClient('read').select().from(users);
    await router.checkHealth();
    const drift = driftRecorder();
    drift.record({ clean: false, schema: [], tables: [{ missing: 0, extra: 0, changed: 1 }], ms: 40 });
    const ops = createOpsHandler({ router, token: TOKEN, writers: { backup: writer }, replication, drift });

    const res = await ops(bearer());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeDefined();
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const html = await res.text();
    // Every script and style carries the nonce; nothing is loaded from anywhere.
    expect(
      [...html.matchAll(/<(script|style)\b([^>]*)>/g)].every((m) => m[2]?.includes(`nonce="${nonce}"`)),
    ).toBe(true);
    expect(html).not.toMatch(/\b(src|href)=|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toContain('://');

    expect(html).toMatch(/<tr data-node="primary" data-state="up">/);
    expect(html).toMatch(/<tr data-node="replica" data-state="up">/);
    expect(html).toMatch(/<tr data-node="remote" data-state="down">/);
    expect(html).toContain('<tr data-intent="read"><td>read</td><td>0</td><td>3</td>');
    expect(html).toContain('<tr data-writer="backup"><td>backup</td><td>durable</td><td>5</td>');
    expect(html).toContain('unreachable');
    expect(html).toContain('1 differences');

    const json = await (await ops(bearer(`${PAGE}?state=1`))).text();
    for (const body of [html, json]) {
      expect(body).not.toContain(MARKER);
      expect(body).not.toContain('://');
      for (const sql of suite.cluster.executed) expect(body).not.toContain(sql);
      expect(body.toLowerCase()).not.toContain('select ');
    }
    const { state, sections } = JSON.parse(json);
    expect(Object.keys(sections).sort()).toEqual(['backup', 'chart', 'drift', 'nodes', 'routing', 'summary']);
    expect(state.nodes.map((n: { name: string; state: string }) => [n.name, n.state])).toEqual([
      ['primary', 'up'],
      ['replica', 'up'],
      ['remote', 'down'],
    ]);
    expect(state.nodes.some((n: object) => 'url' in n)).toBe(false);
    expect(state.lagLimits).toEqual({ maxSeconds: 30, maxBytes: 1 << 20 });
    expect(state.routing.counts.read).toEqual({ primary: 0, replica: 3, remote: 0 });
    expect(state.writers).toEqual([
      {
        name: 'backup',
        queue: {
          mode: 'durable',
          depth: 5,
          lagSeconds: 2.5,
          deadLettered: 2,
          overflowed: 0,
          reachable: false,
        },
      },
    ]);
    expect(state.replication.warnings).toEqual(['subscription lagging on [url]']);
    expect(state.drift).toMatchObject({ ok: false, differences: 1, tables: 1, error: null });
  });

  test('a browser opens ?token= once: a 303 to the clean URL with an HttpOnly, SameSite=Strict cookie that works', async () => {
    const router = makeRouter();
    const ops = createOpsHandler({ router, token: TOKEN });
    const res = await ops(new Request(`${PAGE}?token=${TOKEN}&x=1`));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ops?x=1');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^multidb_ops=[^;]+; Path=\/ops; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(await res.text()).toBe('');
    const again = await ops(new Request(PAGE, { headers: { cookie: cookie.split(';')[0] as string } }));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('<!doctype html>');
    const https = await ops(new Request(`https://ops.example/ops?token=${TOKEN}`));
    expect(https.headers.get('set-cookie')).toContain('; Secure');
    expect((await ops(bearer(PAGE, { method: 'POST' }))).status).toBe(405);
    const broken = createOpsHandler({
      token: TOKEN,
      router: {
        closed: false,
        getMetrics: () => router.getMetrics(),
        getHealthStatus: () => {
          throw new Error(`cannot build: postgres://u:${MARKER}@h/db`);
        },
      },
    });
    const failed = await broken(bearer());
    expect(failed.status).toBe(503);
    expect(await failed.text()).toBe('unavailable\n');
  });

  test('the live history: one sample per poll interval, the chart follows the queries and the state', async () => {
    const router = makeRouter();
    await router.checkHealth();
    let clock = 1_000_000;
    const ops = createOpsHandler({ router, token: TOKEN, now: () => clock, pollMs: 1000, historySize: 3 });
    const poll = async () => JSON.parse(await (await ops(bearer(`${PAGE}?state=1`))).text());
    expect((await poll()).sections.chart).toContain('collecting samples');
    clock += 200;
    expect((await poll()).state.history).toHaveLength(1); // too soon: no new sample
    for (let i = 0; i < 4; i++) await router.getClient('read').select().from(users);
    clock += 1000;
    const second = await poll();
    expect(second.state.history).toHaveLength(2);
    expect(second.sections.chart).toMatch(
      /<polyline class="line c1" data-node="replica" points="[\d.]+,[\d.]+"/,
    );
    clock += 1000;
    suite.cluster.replica('replica').stop();
    await router.checkHealth();
    clock += 1000;
    const last = await poll();
    expect(last.state.history).toHaveLength(3); // bounded
    expect(last.state.history.at(-1).nodes.replica.state).toBe('down');
    expect(last.sections.chart).toContain('class="st-down"');
    suite.cluster.replica('replica').start();
  });
});
