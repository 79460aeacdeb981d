import type { UrlDriver } from '@multidb/config';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OutboxDrainer } from '../src/index.js';
import { expectTablesEqual } from './support/expect-tables-equal.js';
import { durableWriterWithoutDrainer, type Pair } from './support/pair.js';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { allTables, counters, schema } from './support/schema.js';
import { startWorker, type Worker } from './support/worker-process.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

// One suite, both drivers on real PostgreSQL: the worker processes and this process open the databases with it.
describe.each(['postgres', 'pg'] as const satisfies readonly UrlDriver[])('over %s', (driver) => {
  let pair: Pair;
  let urls: { primary: string; backup: string };
  const workers: Worker[] = [];
  const drainers: OutboxDrainer[] = [];

  beforeAll(async () => {
    pair = await cluster.open(driver);
    const c = await cluster.cluster();
    urls = { primary: c.primary.url, backup: c.backup?.url as string };
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all(drainers.map((d) => d.stop()));
    await pair?.close();
  });
  beforeEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
    await Promise.all(drainers.splice(0).map((d) => d.stop()));
    await pair.reset();
    const seeded = await pair.primary.db
      .insert(counters)
      .values(Array.from({ length: 20 }, (_, i) => ({ name: `c${i}` })))
      .returning();
    await pair.backup.db.insert(counters).values(seeded);
  });

  function drainer(): OutboxDrainer {
    const created = new OutboxDrainer({
      primary: pair.primary.db,
      backup: pair.backup.db,
      tables: schema,
      pollIntervalMs: 50,
    });
    drainers.push(created);
    return created;
  }

  async function becomeLeader(d: OutboxDrainer, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await d.drainOnce()).leader) {
      if (Date.now() > deadline) throw new Error('drainer never got the lock');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const pendingOutbox = async () => (await drainer().status()).pending;

  it('two processes write the same rows; the leader is SIGKILLed mid-load, the other takes over; nothing is lost', async () => {
    const a = startWorker(urls.primary, urls.backup, 'writer', driver);
    const b = startWorker(urls.primary, urls.backup, 'writer', driver);
    workers.push(a, b);
    await Promise.all([a.until((w) => w.writes >= 40), b.until((w) => w.writes >= 40)]);
    await Promise.race([a.until((w) => w.isLeader), b.until((w) => w.isLeader)]);
    expect(a.isLeader && b.isLeader).toBe(false);
    expect([a.driver, b.driver]).toEqual([driver, driver]);
    const [leader, survivor] = a.isLeader ? [a, b] : [b, a];

    await leader.kill();
    await survivor.until((w) => w.isLeader, 30_000);
    const before = survivor.writes;
    await survivor.until((w) => w.writes >= before + 40);
    await survivor.kill();

    // Both processes died with committed rows still in the outbox; a fresh drainer converges the backup.
    const left = await pendingOutbox();
    const d = drainer();
    await becomeLeader(d);
    expect(await d.flush(60_000)).toBe(true);
    expect(await pendingOutbox()).toBe(0);
    expect(d.metrics().applied).toBeGreaterThanOrEqual(left);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });

  it('a drainer in this process waits while another process holds the lock, and takes over when it is killed', async () => {
    const other = startWorker(urls.primary, urls.backup, 'drainer', driver);
    workers.push(other);
    await other.until((w) => w.isLeader);
    const d = drainer();
    expect((await d.drainOnce()).leader).toBe(false);

    const writer = durableWriterWithoutDrainer(pair);
    const db = writer.wrap(pair.primary.db);
    await db.insert(counters).values({ name: 'while-other-leads' });
    await other.kill();
    await db.insert(counters).values({ name: 'after-kill' });
    await becomeLeader(d);
    expect(await d.flush(30_000)).toBe(true);
    await expectTablesEqual(pair.primary.db, pair.backup.db, allTables);
  });
});
