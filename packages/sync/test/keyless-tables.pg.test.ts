import type { DbHandle } from '@multidb/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint, type SqlEndpoint } from '../src/index.js';
import { type PgPair, startPgPair } from './support/pg-pair.js';
import { runCli } from './support/run-cli.js';
import { tableSnapshot } from './support/table-snapshot.js';

const MARKER = 'Marker-Pw-k3y1e55';
const DDL = `DROP SCHEMA IF EXISTS kl CASCADE; DROP SCHEMA IF EXISTS multidb_sync CASCADE; CREATE SCHEMA kl;
  CREATE TABLE kl.events (at timestamptz, payload jsonb, amount numeric, raw bytea, seq serial);
  CREATE TABLE kl.parted (region text NOT NULL, v int) PARTITION BY LIST (region);
  CREATE TABLE kl.parted_a PARTITION OF kl.parted FOR VALUES IN ('a');
  CREATE TABLE kl.parted_b PARTITION OF kl.parted FOR VALUES IN ('b');
  CREATE TABLE kl.keyed (id int PRIMARY KEY, note text);`;
// 20,000 distinct events, the first 500 of them twice (equal rows), and a partitioned table with duplicates.
const SEED = `INSERT INTO kl.events (at, payload, amount, raw)
  SELECT timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', jsonb_build_object('i', i, 'tab', E'a\\tb'),
    i / 7.0, decode(md5(i::text), 'hex')
  FROM generate_series(1, 20000) AS i, generate_series(1, 2) AS twice WHERE twice = 1 OR i <= 500;
  INSERT INTO kl.parted SELECT CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, i % 10 FROM generate_series(1, 300) AS i;
  INSERT INTO kl.keyed SELECT i, 'n' || i FROM generate_series(1, 50) AS i;`;
const TABLES = ['kl.events', 'kl.parted', 'kl.keyed'];

let pair: PgPair;
let primary: DbHandle;
let backup: DbHandle;
let source: SqlEndpoint;
let target: SqlEndpoint;

beforeAll(async () => {
  pair = await startPgPair(MARKER);
  ({ primary, backup } = pair);
  source = await resolveEndpoint(primary, 'source');
  target = await resolveEndpoint(backup, 'target');
  await Promise.all([primary.exec(DDL), backup.exec(DDL)]);
  await primary.exec(SEED);
});
afterAll(async () => {
  await pair?.stop();
});

async function expectEqual(): Promise<void> {
  for (const table of TABLES) {
    const [a, b] = await Promise.all([tableSnapshot(source, table), tableSnapshot(target, table)]);
    expect(b.length, table).toBe(a.length);
    expect(b, table).toEqual(a);
  }
}

const json = (stdout: string) =>
  JSON.parse(stdout) as Record<string, unknown> & { tables: Record<string, unknown>[] };
const byTable = (report: { tables: Record<string, unknown>[] }, name: string) =>
  report.tables.find((t) => t.table === name);

describe('tables without a key on real PostgreSQL', () => {
  it('copies them whole through COPY, compares them with duplicates counted, repairs them by replacing', async () => {
    const first = await runCli('sync-backup.ts', [...pair.urlFlags, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = json(first.stdout);
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(byTable(report, 'kl.events')).toMatchObject({
      status: 'copied',
      handling: 'whole-table',
      strategy: 'copy',
      rowsRead: 20_500,
      rowsWritten: 20_500,
    });
    expect(byTable(report, 'kl.parted')).toMatchObject({ handling: 'whole-table', rowsWritten: 300 });
    expect(byTable(report, 'kl.keyed')).toMatchObject({ handling: 'keyset', rowsWritten: 50 });
    await expectEqual();
    // The serial column's sequence moved past the copied values.
    const [next] = await target.rows<{ seq: number }>(`INSERT INTO kl.events DEFAULT VALUES RETURNING seq`);
    expect(next?.seq).toBe(20_501);
    await target.rows('DELETE FROM kl.events WHERE at IS NULL');

    const again = json((await runCli('sync-backup.ts', [...pair.urlFlags, '--json'])).stdout);
    expect(again).toMatchObject({ ok: true, rowsWritten: 0 });
    expect(byTable(again, 'kl.events')?.reason).toMatch(/already equal/);

    // Tamper: drop one of two equal rows, change one, and add a duplicate in a partition.
    await backup.exec(`DELETE FROM kl.events WHERE ctid = (SELECT min(ctid) FROM kl.events WHERE amount = 3 / 7.0);
      UPDATE kl.events SET payload = '{}' WHERE amount = 19999 / 7.0;
      INSERT INTO kl.parted VALUES ('a', 2);`);
    const found = await runCli('drift.ts', [...pair.urlFlags, '--json', '--recheck-delay-ms', '0']);
    expect(found.code).toBe(1);
    const drift = json(found.stdout);
    expect(byTable(drift, 'kl.events')).toMatchObject({
      status: 'drift',
      comparison: 'whole-table',
      sourceRows: 20_500,
      targetRows: 20_499,
    });
    expect(byTable(drift, 'kl.parted')).toMatchObject({ status: 'drift', targetRows: 301 });
    expect(byTable(drift, 'kl.keyed')).toMatchObject({ status: 'clean' });

    const guarded = await runCli('drift.ts', [
      ...pair.urlFlags,
      '--json',
      '--recheck-delay-ms',
      '0',
      '--repair',
      '--max-replace-rows',
      '1000',
    ]);
    expect(guarded.code).toBe(1);
    const guardedReport = json(guarded.stdout);
    expect(byTable(guardedReport, 'kl.events')?.repair).toMatchObject({
      replaced: false,
      verified: false,
      error: expect.stringMatching(
        /20500 rows on the source, more than maxReplaceRows \(1000\).*--max-replace-rows/,
      ),
    });
    expect(byTable(guardedReport, 'kl.parted')?.repair).toMatchObject({ replaced: true, verified: true });
    const [left] = await target.rows<{ n: number }>('SELECT count(*)::int AS n FROM kl.events');
    expect(left?.n).toBe(20_499);

    const repaired = await runCli('drift.ts', [
      ...pair.urlFlags,
      '--json',
      '--recheck-delay-ms',
      '0',
      '--repair',
    ]);
    expect(repaired.code, repaired.stdout).toBe(0);
    expect(byTable(json(repaired.stdout), 'kl.events')?.repair).toMatchObject({
      replaced: true,
      upserted: 20_500,
      deleted: 20_499,
      verified: true,
    });
    await expectEqual();
    const clean = await runCli('drift.ts', [...pair.urlFlags, '--json', '--recheck-delay-ms', '0']);
    expect(clean.code).toBe(0);
    for (const output of [first, found, guarded, repaired, clean])
      expect(output.stdout + output.stderr).not.toContain(MARKER);
  });

  it('a run that leaves a selected table uncopied exits 1 and names it; --tables leaves it out on purpose', async () => {
    await primary.exec(`CREATE TABLE kl.only_on_primary (id int PRIMARY KEY);
      CREATE TABLE kl.narrow (id int PRIMARY KEY, wide text);`);
    await backup.exec('CREATE TABLE kl.narrow (id int PRIMARY KEY);');
    const run = await runCli('sync-backup.ts', [...pair.urlFlags, '--json']);
    expect(run.code).toBe(1);
    const report = json(run.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        {
          table: 'kl.only_on_primary',
          status: 'failed',
          reason: expect.stringMatching(/missing on the target/),
        },
        {
          table: 'kl.narrow',
          status: 'failed',
          reason: expect.stringMatching(/missing on the target: "wide"/),
        },
      ]),
    );
    expect(report.problems).toHaveLength(2);
    const human = await runCli('sync-backup.ts', pair.urlFlags);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/NOT OK: 2 selected table\(s\) not copied/);
    expect(human.stdout).toMatch(/kl\.only_on_primary: failed: missing on the target/);

    const chosen = await runCli('sync-backup.ts', [...pair.urlFlags, '--json', '--tables', TABLES.join(',')]);
    expect(chosen.code).toBe(0);
    expect(json(chosen.stdout)).toMatchObject({ ok: true, problems: [] });
    await primary.exec('DROP TABLE kl.only_on_primary, kl.narrow');
    await backup.exec('DROP TABLE kl.narrow');
  });

  it('copies them whole over node-postgres too (the CLI with MULTIDB_DRIVER=pg)', async () => {
    await backup.exec('TRUNCATE kl.events, kl.parted, kl.keyed');
    const run = await runCli('sync-backup.ts', [...pair.urlFlags, '--tables', TABLES.join(','), '--json'], {
      MULTIDB_DRIVER: 'pg',
    });
    expect(run.code, run.stderr).toBe(0);
    const report = json(run.stdout);
    expect(byTable(report, 'kl.events')).toMatchObject({
      handling: 'whole-table',
      strategy: 'copy',
      rowsWritten: 20_500,
    });
    expect(byTable(report, 'kl.parted')).toMatchObject({ handling: 'whole-table', rowsWritten: 300 });
    await expectEqual();
    // The CLI's URLs do go through MULTIDB_DRIVER: a bad value is refused, naming it.
    const bogus = await runCli('sync-backup.ts', [...pair.urlFlags, '--tables', 'kl.keyed'], {
      MULTIDB_DRIVER: 'mysql',
    });
    expect(bogus.code).not.toBe(0);
    expect(bogus.stderr).toMatch(/MULTIDB_DRIVER .*got "mysql"/);
  });
});
