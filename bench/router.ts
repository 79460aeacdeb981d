/**
 * Router overhead: a routed read (`getClient('read')`) against raw Drizzle and Drizzle's `withReplicas` on the
 * same database (PGlite; real PostgreSQL when the server binaries exist, over postgres.js and over
 * node-postgres), and the bare routing decision.
 * `npx tsx bench/router.ts` — writes bench/results/router.md. `npx tsx bench/router.ts node-postgres` runs only
 * the node-postgres comparison and replaces its section and ratio in bench/results/router.{md,json};
 * `npx tsx bench/router.ts opentelemetry` does the same for the OpenTelemetry comparison (routed reads with
 * telemetry off, on without an SDK, and on with an SDK whose exporters discard, against raw Drizzle). With
 * `--baseline=/path/to/other/checkout/packages/router/src/index.ts` it also times that router (e.g. main before
 * telemetry existed) as "routed (baseline)".
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { connect, type DbHandle, drizzleLine, pgCoreClass } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createDbRouter, type DbRouter, type ReplicaSpec } from '@multidb/router';
import { createMirrorReplica, type PgCluster, pgBinariesAvailable, startPgCluster } from '@multidb/testing';
import { entityKind, eq, type Query } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgPreparedQuery, PgSession, PreparedQueryConfig } from 'drizzle-orm/pg-core';
import { PgDialect, withReplicas } from 'drizzle-orm/pg-core';
import pg from 'pg';
import {
  drizzleUnderTest,
  fmt,
  machine,
  measure,
  type Ratio,
  type Sample,
  writeResults,
} from './lib/bench-kit.js';
import { otelReads } from './lib/otel-reads.js';
import { type Db, items, SETUP } from './lib/read-items.js';

const QUERIES_PER_RUN = 2000;
const RUNS = 9;

interface ReadComparison {
  readonly perQuery: Record<string, Sample>;
  /** routed / raw, paired run by run. */
  readonly routedVsRaw: Sample;
  readonly withReplicasVsRaw: Sample;
}

/**
 * Microseconds per primary-key read for each way of reading. The contenders take turns query by query, so
 * load from other processes on the machine hits them alike; ratios are paired within each run.
 */
async function compareReads(contenders: Record<string, Db>): Promise<ReadComparison> {
  const names = Object.keys(contenders);
  const runs: Record<string, number>[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const spent: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
    for (let i = 0; i < QUERIES_PER_RUN; i++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length] as string;
        const start = performance.now();
        await (contenders[name] as Db)
          .select()
          .from(items)
          .where(eq(items.id, (i % 1000) + 1));
        spent[name] = (spent[name] as number) + performance.now() - start;
      }
    }
    // The first run warms up (JIT, plan caches) and is thrown away.
    if (run > 0)
      runs.push(Object.fromEntries(names.map((n) => [n, ((spent[n] as number) * 1000) / QUERIES_PER_RUN])));
  }
  const sample = (values: number[]) => measure(() => values.shift() as number, values.length, 0);
  const perQuery: Record<string, Sample> = {};
  for (const name of names) perQuery[name] = await sample(runs.map((r) => r[name] as number));
  const ratio = (name: string) => sample(runs.map((r) => (r[name] as number) / (r.raw as number)));
  return { perQuery, routedVsRaw: await ratio('routed'), withReplicasVsRaw: await ratio('withReplicas') };
}

function readTable(title: string, result: ReadComparison): string {
  const ratio = (name: string) =>
    name === 'raw' ? '1×' : fmt(name === 'routed' ? result.routedVsRaw : result.withReplicasVsRaw, '×', 3);
  const rows = Object.entries(result.perQuery).map(
    ([name, s]) => `| ${name} | ${fmt(s, 'µs', 1)} | ${ratio(name)} |`,
  );
  return [
    `### ${title}`,
    '',
    '| read path | per query | vs raw (paired per run) |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

interface ReadResult {
  readonly md: string;
  readonly ratio: number;
}

/** Raw Drizzle on the replica, `withReplicas`, and a router over the same two nodes. */
async function readsOn(title: string, primary: Db, replica: ReplicaSpec): Promise<ReadResult> {
  const router = createDbRouter({ primary, replicas: [replica], health: { background: false } });
  await router.checkHealth();
  try {
    const replicaDb = replica.db as Db;
    const result = await compareReads({
      raw: replicaDb,
      // drizzle-orm 1.0's withReplicas sends every query to the primary unless `$replica` is asked for.
      withReplicas: (drizzleLine() === '1.0'
        ? (withReplicas(primary, [replicaDb]) as unknown as { $replica: Db }).$replica
        : withReplicas(primary, [replicaDb])) as unknown as Db,
      routed: router.getClient('read') as unknown as Db,
    });
    return { md: readTable(title, result), ratio: result.routedVsRaw.median };
  } finally {
    await router.close();
  }
}

async function pgliteReads(): Promise<ReadResult> {
  const pg = await PGlite.create();
  try {
    await pg.exec(SETUP);
    const mirror = createMirrorReplica(pg, { name: 'mirror' });
    const primary = fromPglite(pg, { ownsClient: false }).db as Db;
    const replica = { name: 'mirror', db: mirror.db, positionSource: mirror.positionSource };
    return await readsOn('PGlite (in memory): primary-key select', primary, replica);
  } finally {
    await pg.close();
  }
}

/** A primary and one streaming replica with the items table, replicated; `undefined` without server binaries. */
async function readCluster(): Promise<PgCluster | undefined> {
  if (!pgBinariesAvailable()) return undefined;
  const cluster = await startPgCluster({ replicas: 1 });
  const setup = await connect(cluster.primary.url, { max: 1 });
  try {
    await setup.exec(SETUP);
  } finally {
    await setup.close();
  }
  await cluster.waitForReplication();
  return cluster;
}

const replicaUrl = (cluster: PgCluster) => (cluster.replicas[0] as { url: string }).url;

async function postgresReads(cluster: PgCluster): Promise<ReadResult> {
  const handles: DbHandle[] = [];
  try {
    const primary = await connect(cluster.primary.url, { max: 4 });
    handles.push(primary);
    const replica = await connect(replicaUrl(cluster), { max: 4 });
    handles.push(replica);
    const title = 'PostgreSQL 15 (local streaming replica): primary-key select';
    return await readsOn(title, primary.db as Db, { name: 'replica', db: replica.db });
  } finally {
    for (const handle of handles) await handle.close();
  }
}

const NODE_POSTGRES_TITLE = 'PostgreSQL 15 over node-postgres (local streaming replica): primary-key select';

/** The same comparison with every database a user's own `drizzle(new pg.Pool(...))`: raw is Drizzle over pg. */
async function nodePostgresReads(cluster: PgCluster): Promise<ReadResult> {
  const pools = [cluster.primary.url, replicaUrl(cluster)].map(
    (url) => new pg.Pool({ connectionString: url, max: 4 }),
  );
  try {
    const [primary, replica] = pools.map((pool) => drizzle({ client: pool }) as unknown as Db);
    const load = loadavg().map((l) => l.toFixed(1));
    const result = await readsOn(NODE_POSTGRES_TITLE, primary as Db, { name: 'replica', db: replica as Db });
    const note = [
      `Measured ${machine()}, pg ${pgVersion()}, in a run of its own (\`npx tsx bench/router.ts node-postgres\`);`,
      `the machine was shared with other jobs at the time (load average ${load.join(' ')} at the start), so the`,
      'absolute times are noisy; the contenders take turns query by query, so the paired ratio is what to read.',
      '',
    ].join('\n');
    return { md: result.md.replace('\n\n', `\n\n${note}\n`), ratio: result.ratio };
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
}

function pgVersion(): string {
  const manifest = join(import.meta.dirname, '..', 'node_modules', 'pg', 'package.json');
  return existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
    : '?';
}

const NODE_POSTGRES_RATIO = 'routed read over node-postgres / raw node-postgres Drizzle (PostgreSQL)';

/** `node-postgres` alone: its section and ratio replace the previous ones in the router results. */
async function onlyNodePostgres(): Promise<void> {
  const cluster = await readCluster();
  if (cluster === undefined) throw new Error('PostgreSQL server binaries not found');
  let result: ReadResult;
  try {
    result = await nodePostgresReads(cluster);
  } finally {
    await cluster.stop();
  }
  const dir = join(import.meta.dirname, 'results');
  const previous = JSON.parse(readFileSync(join(dir, 'router.json'), 'utf8')) as {
    machine: string;
    ratios: Ratio[];
  };
  const ratios = [
    ...previous.ratios.filter((r) => r.label !== NODE_POSTGRES_RATIO),
    nodePostgresRatio(result.ratio),
  ];
  const md = readFileSync(join(dir, 'router.md'), 'utf8');
  const heading = `### ${NODE_POSTGRES_TITLE}`;
  const at = md.indexOf(heading);
  const next = '### Router overhead per read';
  const updated =
    at >= 0
      ? md.slice(0, at) + result.md + md.slice(md.indexOf('\n### ', at + heading.length) + 1)
      : md.replace(next, `${result.md}\n${next}`);
  writeResults('router', updated, ratios);
  // The rest of the section keeps the machine and date it was measured on (this run's are in its own note).
  const json = join(dir, 'router.json');
  const written = JSON.parse(readFileSync(json, 'utf8')) as { machine: string };
  writeFileSync(json, `${JSON.stringify({ ...written, machine: previous.machine }, null, 2)}\n`);
}

function nodePostgresRatio(value: number): Ratio {
  return { label: NODE_POSTGRES_RATIO, value, goal: 1.05, better: 'lower' };
}

/** Nanoseconds per call of `fn`, median over runs of a million calls. */
function perCall(fn: () => unknown): Promise<Sample> {
  const N = 1_000_000;
  return measure(() => {
    const start = performance.now();
    for (let i = 0; i < N; i++) fn();
    return ((performance.now() - start) * 1e6) / N;
  }, 7);
}

/** The routing decision alone (`router.route()`, no query) over three read replicas, and per-request costs. */
async function decisions(router: DbRouter): Promise<string> {
  const token = 'v1.0000000000000001';
  const rows = [
    ['read (round-robin over 3 replicas)', await perCall(() => router.route('read'))],
    [
      'read with a required position (inside a consistency scope)',
      await router.withConsistency(token, () => perCall(() => router.route('read'))),
    ],
    ['write', await perCall(() => router.route('write'))],
    [
      'per request: enter a consistency scope with a token (decode + AsyncLocalStorage)',
      await perCall(() => router.withConsistency(token, () => 0)),
    ],
  ] as const;
  const lines = rows.map(([label, sample]) => `| ${label} | ${fmt(sample, 'ns', 0)} |`);
  return ['### Bare routing decision', '', '| decision | per call |', '| --- | --- |', ...lines, ''].join(
    '\n',
  );
}

/**
 * A database over a driver that answers at once: what remains of a read's time is Drizzle's work (and the
 * router's). Built on drizzle-orm 0.45's session classes (created here, on that line only).
 */
function instantDatabase(dialect: PgDialect): Db {
  const PreparedQuery = pgCoreClass('PgPreparedQuery') as unknown as typeof PgPreparedQuery;
  const Session = pgCoreClass('PgSession') as unknown as typeof PgSession;
  const Database = pgCoreClass('PgDatabase') as unknown as typeof PgDatabase;
  class InstantQuery extends PreparedQuery<PreparedQueryConfig> {
    static override readonly [entityKind]: string = 'InstantQuery';
    constructor(query: Query) {
      super(query, undefined, undefined);
    }
    async execute(): Promise<unknown[]> {
      return [];
    }
    async all(): Promise<unknown[]> {
      return [];
    }
    isResponseInArrayMode(): boolean {
      return true;
    }
  }
  class InstantSession extends Session {
    static override readonly [entityKind]: string = 'InstantSession';
    prepareQuery(query: Query): InstantQuery {
      return new InstantQuery(query);
    }
    transaction<T>(): Promise<T> {
      throw new Error('not supported');
    }
  }
  return new Database(dialect, new InstantSession(dialect), undefined) as unknown as Db;
}

/** The router's own cost per read, free of database time and machine noise: routed minus raw on an instant driver. */
async function overheadPerRead(): Promise<string> {
  if (drizzleLine() !== '0.45') return '';
  const dialect = new PgDialect();
  const instant = () => instantDatabase(dialect);
  const router = createDbRouter({
    primary: {
      db: instant(),
      positionSource: { sample: async () => ({ role: 'primary', writePosition: 1n, insertPosition: 1n }) },
    },
    replicas: [
      {
        name: 'replica',
        db: instant(),
        positionSource: { sample: async () => ({ role: 'standby', replayPosition: 1n, receiving: true }) },
      },
    ],
    health: { background: false },
  });
  await router.checkHealth();
  const raw = instant();
  const routed = router.getClient('read') as unknown as Db;
  // Short blocks, alternating, many times: each pair sees the same machine load.
  const block = async (db: Db) => {
    const start = performance.now();
    for (let i = 0; i < 500; i++) await db.select().from(items).where(eq(items.id, i));
    return ((performance.now() - start) * 1e6) / 500;
  };
  for (let i = 0; i < 20; i++) await block(i % 2 === 0 ? raw : routed);
  const pairs: { raw: number; routed: number }[] = [];
  for (let i = 0; i < 201; i++) {
    const first = i % 2 === 0;
    const a = await block(first ? raw : routed);
    const b = await block(first ? routed : raw);
    pairs.push(first ? { raw: a, routed: b } : { raw: b, routed: a });
  }
  await router.close();
  const sample = (values: number[]) => measure(() => values.shift() as number, values.length, 0);
  const rawSample = await sample(pairs.map((p) => p.raw));
  const extra = await sample(pairs.map((p) => p.routed - p.raw));
  return [
    '### Router overhead per read (instant driver: no database time)',
    '',
    '| | per read |',
    '| --- | --- |',
    `| Drizzle alone (build SQL, prepare, map) | ${fmt(rawSample, 'ns', 0)} |`,
    `| added by routing | ${fmt(extra, 'ns', 0)} |`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const pglite = await pgliteReads();
  const cluster = await readCluster();
  let postgres: ReadResult | undefined;
  let nodePostgres: ReadResult | undefined;
  try {
    postgres = cluster && (await postgresReads(cluster));
    nodePostgres = cluster && (await nodePostgresReads(cluster));
  } finally {
    await cluster?.stop();
  }
  const pg = await PGlite.create();
  const mirrors = ['a', 'b', 'c'].map((name) => createMirrorReplica(pg, { name }));
  const router = createDbRouter({
    primary: fromPglite(pg, { ownsClient: false }),
    replicas: mirrors.map((m) => ({ name: m.name, db: m.db, positionSource: m.positionSource })),
    health: { background: false },
  });
  await router.checkHealth();
  const decisionTable = await decisions(router);
  const overheadTable = await overheadPerRead();
  await router.close();
  await pg.close();

  const ratios: Ratio[] = [
    { label: 'routed read / raw Drizzle (PGlite)', value: pglite.ratio, goal: 1.05, better: 'lower' },
  ];
  if (postgres)
    ratios.push({
      label: 'routed read / raw Drizzle (PostgreSQL)',
      value: postgres.ratio,
      goal: 1.05,
      better: 'lower',
    });
  if (nodePostgres) ratios.push(nodePostgresRatio(nodePostgres.ratio));
  const md = [
    '## Router',
    '',
    `Machine: ${machine()}. ${drizzleUnderTest()}, PGlite 0.5, postgres.js 3.4.`,
    '',
    `Reads: ${QUERIES_PER_RUN} primary-key selects per contender and run, contenders taking turns query by query`,
    `(load from other processes hits them alike); ${RUNS} runs after a warm-up run; median and p10–p90 across`,
    'runs, ratios paired run by run. "raw" is Drizzle on the node that serves the read; `withReplicas` is',
    "Drizzle's own (random replica; no health, lag or consistency); \"routed\" is `getClient('read')` (a real",
    'PgDatabase over the routing session: statement check, node choice, metrics, passive health).',
    '',
    pglite.md,
    postgres?.md ?? '_PostgreSQL server binaries not found: real-server figures skipped._\n',
    nodePostgres?.md ?? '',
    overheadTable,
    decisionTable,
  ].join('\n');
  writeResults('router', md, ratios);
}

/** Replaces (or inserts before `next`) the section headed `title` in router.md, and the ratios with `labels`. */
function replaceSection(title: string, md: string, labels: readonly string[], added: readonly Ratio[]): void {
  const dir = join(import.meta.dirname, 'results');
  const previous = JSON.parse(readFileSync(join(dir, 'router.json'), 'utf8')) as {
    machine: string;
    ratios: Ratio[];
  };
  const ratios = [...previous.ratios.filter((r) => !labels.includes(r.label)), ...added];
  const old = readFileSync(join(dir, 'router.md'), 'utf8');
  const heading = `### ${title}`;
  const at = old.indexOf(heading);
  const next = '### Router overhead per read';
  const end = old.indexOf('\n### ', at + heading.length);
  const updated =
    at >= 0
      ? old.slice(0, at) + md + (end >= 0 ? old.slice(end + 1) : '')
      : old.replace(next, `${md}\n${next}`);
  writeResults('router', updated, ratios);
  const json = join(dir, 'router.json');
  const written = JSON.parse(readFileSync(json, 'utf8')) as { machine: string };
  writeFileSync(json, `${JSON.stringify({ ...written, machine: previous.machine }, null, 2)}\n`);
}

/** `opentelemetry` alone: routed reads with telemetry off / no SDK / SDK vs raw, on real PostgreSQL. */
async function onlyOpenTelemetry(): Promise<void> {
  const cluster = await readCluster();
  if (cluster === undefined) throw new Error('PostgreSQL server binaries not found');
  const handles: DbHandle[] = [];
  let result: Awaited<ReturnType<typeof otelReads>>;
  try {
    const primary = await connect(cluster.primary.url, { max: 4 });
    handles.push(primary);
    const replica = await connect(replicaUrl(cluster), { max: 4 });
    handles.push(replica);
    result = await otelReads(primary.db as Db, replica.db as Db, {
      queriesPerRun: QUERIES_PER_RUN,
      runs: RUNS,
      baseline: process.argv.find((a) => a.startsWith('--baseline='))?.slice('--baseline='.length),
      note: `Measured ${machine()}, in a run of its own (\`npx tsx bench/router.ts opentelemetry\`); the machine was shared with other jobs at the time (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the start), so absolute times are noisy: read the paired ratios.`,
    });
  } finally {
    for (const handle of handles) await handle.close();
    await cluster.stop();
  }
  replaceSection(result.title, result.md, result.labels, result.ratios);
}

await (process.argv.includes('node-postgres')
  ? onlyNodePostgres()
  : process.argv.includes('opentelemetry')
    ? onlyOpenTelemetry()
    : main());
