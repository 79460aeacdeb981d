/**
 * On real PostgreSQL (a primary and two streaming replicas): how long the router takes to notice a stopped
 * replica and to take it back after a restart, how many reads fail meanwhile next to Drizzle's `withReplicas`
 * (no health checks) on the same nodes; and what read-your-writes costs per request pair (write, token, read)
 * against the same pair without tokens and against the usual workaround (read from the primary after a write).
 * `npx tsx bench/failover.ts` — writes bench/results/failover.md.
 */
import { connect, type DbHandle } from '@multidb/config';
import { createDbRouter, type DbRouter } from '@multidb/router';
import { type PgCluster, type PgNode, pgBinariesAvailable, startPgCluster } from '@multidb/testing';
import { eq } from 'drizzle-orm';
import { withReplicas } from 'drizzle-orm/pg-core';
import { fmt, machine, type Ratio, type Sample, writeResults } from './lib/bench-kit.js';
import { type Db, items, SETUP, schema } from './lib/read-items.js';

const HEALTH = { intervalMs: 250, timeoutMs: 500, failuresToDown: 2, successesToUp: 2 };
const DRILLS = 5;
const READERS = 2;
const PAIRS_PER_RUN = 300;
const RYW_RUNS = 7;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(2);
  }
  return performance.now() - started;
}

/** Readers hammering one client; counts reads and failures while it runs. */
function readLoad(client: () => Db): { stop(): Promise<{ reads: number; failed: number }> } {
  let running = true;
  let reads = 0;
  let failed = 0;
  const loops = Array.from({ length: READERS }, async (_, r) => {
    for (let i = r; running; i += READERS) {
      try {
        await client()
          .select()
          .from(items)
          .where(eq(items.id, (i % 1000) + 1));
      } catch {
        failed++;
      }
      reads++;
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { reads, failed };
    },
  };
}

interface Drill {
  /** From the moment `pg_ctl stop` was started (it takes ~100 ms and cuts the replica's connections). */
  readonly outMs: number;
  readonly backMs: number;
  readonly routedFailed: number;
  readonly routedReads: number;
  readonly replicasFailed: number;
  readonly replicasReads: number;
}

/**
 * One drill: replica r0 stopped, with or without a read load through the router and through `withReplicas`
 * (both over the same nodes), restarted once the router dropped it. Without load only the background probes
 * can notice; under load a failed query counts too.
 */
async function drill(
  cluster: PgCluster,
  router: DbRouter<typeof schema>,
  raw: Db,
  load: boolean,
): Promise<Drill> {
  const r0 = cluster.replicas[0] as PgNode;
  const inRotation = () => router.getHealthStatus().nodes.find((n) => n.name === 'r0')?.inRotation === true;
  await until(inRotation);
  const routed = load ? readLoad(() => router.getClient('read') as unknown as Db) : undefined;
  const plain = load ? readLoad(() => raw) : undefined;
  await sleep(300 + Math.random() * HEALTH.intervalMs);
  const stopping = performance.now();
  const stopped = r0.stop();
  await until(() => !inRotation());
  const outMs = performance.now() - stopping;
  await stopped;
  // withReplicas keeps picking r0 for as long as the router took to notice, and then forever.
  await sleep(1000);
  const none = { failed: 0, reads: 0 };
  const [r, p] = await Promise.all([routed?.stop() ?? none, plain?.stop() ?? none]);
  const starting = performance.now();
  await r0.start();
  await until(inRotation);
  return {
    outMs,
    backMs: performance.now() - starting,
    routedFailed: r.failed,
    routedReads: r.reads,
    replicasFailed: p.failed,
    replicasReads: p.reads,
  };
}

function summarize(values: readonly number[]): Sample {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), runs: sorted.length };
}

async function failoverSection(
  cluster: PgCluster,
  handles: DbHandle<typeof schema>[],
): Promise<{
  markdown: string;
  ratios: Ratio[];
}> {
  const router = createDbRouter<typeof schema>({
    primary: cluster.primary.url,
    replicas: cluster.replicas.map((node, i) => ({ name: `r${i}`, db: node.url })),
    schema,
    health: HEALTH,
    connect: { max: 4, connectTimeout: 2 },
  });
  const [primary, ...replicas] = await Promise.all(
    [cluster.primary, ...cluster.replicas].map((node) =>
      connect(node.url, { schema, max: 4, connectTimeout: 2 }),
    ),
  );
  handles.push(primary as DbHandle<typeof schema>, ...(replicas as DbHandle<typeof schema>[]));
  const raw = withReplicas(
    (primary as DbHandle<typeof schema>).db as unknown as Db,
    replicas.map((h) => h.db as unknown as Db) as [Db, ...Db[]],
  ) as unknown as Db;
  try {
    await router.checkHealth();
    const idle: Drill[] = [];
    const drills: Drill[] = [];
    for (let i = 0; i < DRILLS; i++) {
      idle.push(await drill(cluster, router, raw, false));
      drills.push(await drill(cluster, router, raw, true));
    }
    const idleOut = summarize(idle.map((d) => d.outMs));
    const out = summarize(drills.map((d) => d.outMs));
    const back = summarize([...idle, ...drills].map((d) => d.backMs));
    const bound = HEALTH.failuresToDown * HEALTH.intervalMs + HEALTH.timeoutMs;
    const sum = (key: keyof Drill) => drills.reduce((total, d) => total + d[key], 0);
    const markdown = `## Failover detection (real PostgreSQL, 2 streaming replicas)

${machine()}. A replica stopped (\`pg_ctl stop -m fast\`) under ${READERS} reader loops through the router's read
intent and ${READERS} through Drizzle's \`withReplicas\` over the same nodes, then restarted once the router had
dropped it; ${DRILLS} drills with that load and ${DRILLS} with no load (only the background probes can notice).
Times are from the moment \`pg_ctl stop\` / \`pg_ctl start\` was started. Health: probe every ${HEALTH.intervalMs} ms, timeout ${HEALTH.timeoutMs} ms,
${HEALTH.failuresToDown} failures down, ${HEALTH.successesToUp} successes up (a failed query counts as a failure too).
Worst case by configuration: ${HEALTH.failuresToDown} × ${HEALTH.intervalMs} ms + ${HEALTH.timeoutMs} ms = ${bound} ms.

| | router | Drizzle \`withReplicas\` |
| --- | --- | --- |
| stopped replica out of rotation, no load (probes only) | ${fmt(idleOut, 'ms', 1)} | never (no health checks) |
| stopped replica out of rotation, under the read load (failed queries count) | ${fmt(out, 'ms', 1)} | never |
| restarted replica back in rotation (all drills) | ${fmt(back, 'ms', 1)} | — (it never left) |
| reads failed from the stop until 1 s after the router dropped the replica (all drills) | ${sum('routedFailed')} of ${sum('routedReads').toLocaleString('en-US')} (a failed read is retried once on the next node) | ${sum('replicasFailed')} of ${sum('replicasReads').toLocaleString('en-US')}: every read that picks the stopped replica fails, for as long as it is down |
`;
    return {
      markdown,
      ratios: [
        {
          label:
            'failover detection time, probes only ÷ configured worst case (2 × probe interval + timeout)',
          value: idleOut.median / bound,
          goal: 1,
          better: 'lower',
        },
      ],
    };
  } finally {
    await router.close();
  }
}

/** Reads that did not see the write just made, per way (across all runs). */
const stale = { plain: 0, tokens: 0, primaryRead: 0 };

interface PairTimes {
  readonly plain: number;
  readonly tokens: number;
  readonly primaryRead: number;
}

/**
 * Microseconds per request pair, the three ways taking turns pair by pair: request 1 writes, request 2 reads the
 * same row. `plain`: read intent with no token (may be stale). `tokens`: request 1 in a scope takes a token,
 * request 2 reads inside `withConsistency(token)`. `primaryRead`: request 2 reads through the write client.
 */
async function rywRun(router: DbRouter<typeof schema>, offset: number): Promise<PairTimes> {
  const spent = { plain: 0, tokens: 0, primaryRead: 0 };
  for (let i = 0; i < PAIRS_PER_RUN; i++) {
    const id = ((offset + i) % 1000) + 1;
    const name = `v${offset}-${i}`;
    const ways = ['plain', 'tokens', 'primaryRead'] as const;
    for (let k = 0; k < ways.length; k++) {
      const way = ways[(i + k) % ways.length] as (typeof ways)[number];
      const started = performance.now();
      if (way === 'tokens') {
        const token = await router.withConsistency(undefined, async () => {
          await router.getClient('write').update(items).set({ name }).where(eq(items.id, id));
          return router.consistencyToken();
        });
        const rows = await router.withConsistency(token, () =>
          router.getClient('read').select().from(items).where(eq(items.id, id)),
        );
        if (rows[0]?.name !== name) throw new Error('a read with a token saw stale data');
      } else {
        await router.getClient('write').update(items).set({ name }).where(eq(items.id, id));
        const reader = way === 'plain' ? router.getClient('read') : router.getClient('write');
        const rows = await reader.select().from(items).where(eq(items.id, id));
        if (rows[0]?.name !== name) stale[way]++;
      }
      spent[way] += performance.now() - started;
    }
  }
  const per = (ms: number) => (ms * 1000) / PAIRS_PER_RUN;
  return { plain: per(spent.plain), tokens: per(spent.tokens), primaryRead: per(spent.primaryRead) };
}

async function rywSection(cluster: PgCluster): Promise<{ markdown: string; ratios: Ratio[] }> {
  const router = createDbRouter<typeof schema>({
    primary: cluster.primary.url,
    replicas: cluster.replicas.map((node, i) => ({ name: `r${i}`, db: node.url })),
    schema,
    health: { intervalMs: 100, timeoutMs: 500 },
    connect: { max: 4 },
  });
  try {
    await router.checkHealth();
    const runs: PairTimes[] = [];
    await rywRun(router, 0); // warm-up
    for (let run = 1; run <= RYW_RUNS; run++) runs.push(await rywRun(router, run * 37));
    const pick = (key: keyof PairTimes) => summarize(runs.map((r) => r[key]));
    const paired = (key: keyof PairTimes) => summarize(runs.map((r) => r.tokens / r[key]));
    const vsPlain = paired('plain');
    const vsPrimary = paired('primaryRead');
    const { consistency } = router.getMetrics();
    const markdown = `## Read-your-writes overhead (real PostgreSQL, 2 streaming replicas)

${machine()}. A request pair: request 1 updates a row, request 2 reads it. ${PAIRS_PER_RUN} pairs per run, the three
ways taking turns pair by pair, ${RYW_RUNS} runs after a warm-up; ratios paired run by run. With a token the read
goes to a replica only once a probe (every 100 ms here) has seen it replay past the token, otherwise to the
primary; the token costs one \`pg_current_wal_insert_lsn()\` round trip on the primary after the write. Every read
with a token saw its write (checked on each pair).

| request pair | per pair | tokens vs it (paired) |
| --- | --- | --- |
| write, then a read intent with no token (${stale.plain} of ${(PAIRS_PER_RUN * (RYW_RUNS + 1)).toLocaleString('en-US')} reads missed the write) | ${fmt(pick('plain'), 'µs', 0)} | ${fmt(vsPlain, '×', 2)} |
| write + \`consistencyToken()\`, then a read in \`withConsistency(token)\` | ${fmt(pick('tokens'), 'µs', 0)} | 1× |
| write, then a read through the write client (the usual workaround: primary) | ${fmt(pick('primaryRead'), 'µs', 0)} | ${fmt(vsPrimary, '×', 2)} |

Router counters after the runs: ${consistency.tokensIssued} tokens issued, ${consistency.constrainedReads} reads constrained by a token, ${consistency.invalidTokens} invalid tokens.
`;
    return {
      markdown,
      ratios: [
        {
          label: 'read-your-writes pair (write, token, read) ÷ the same pair without a token',
          value: vsPlain.median,
          goal: 1.5,
          better: 'lower',
        },
      ],
    };
  } finally {
    await router.close();
  }
}

async function main(): Promise<void> {
  if (!pgBinariesAvailable()) {
    process.stdout.write('PostgreSQL server binaries not found: failover bench skipped\n');
    return;
  }
  const cluster = await startPgCluster({ replicas: 2 });
  const handles: DbHandle<typeof schema>[] = [];
  try {
    const setup = await connect(cluster.primary.url, { max: 1 });
    await setup.exec(SETUP);
    await setup.close();
    await cluster.waitForReplication();
    // `--ryw-only`: just the read-your-writes section (quicker to iterate on).
    const failover = process.argv.includes('--ryw-only')
      ? { markdown: '', ratios: [] }
      : await failoverSection(cluster, handles);
    const ryw = await rywSection(cluster);
    writeResults(
      'failover',
      `# Router: failover and read-your-writes\n\n${failover.markdown}\n${ryw.markdown}`,
      [...failover.ratios, ...ryw.ratios],
    );
  } finally {
    for (const handle of handles) await handle.close().catch(() => {});
    await cluster.stop();
  }
}

await main();
