import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from './support/run-script.js';

// Schema, table and column names made of quotes, semicolons, SQL keywords, spaces and unicode, through the real
// `pnpm sync:backup` and `pnpm drift` CLIs between two PostgreSQL servers: copied, compared, repaired, and nothing
// else touched (a canary table would be dropped by an injection).
const WEIRD = '"we""ird; schema"."Tab le""; DROP TABLE public.canary;--"';
const UNICODE = '"ünï-cødé 表"."ŝübtäblé 🚀"';
const KEYWORDS = 'public."select"';
const DOLLARS = '"we""ird; schema"."$dollar$"';
const TABLES = [WEIRD, UNICODE, KEYWORDS, DOLLARS];

const DDL = `
  CREATE SCHEMA "we""ird; schema";
  CREATE SCHEMA "ünï-cødé 表";
  CREATE TABLE public.canary (id int PRIMARY KEY);
  CREATE TABLE ${WEIRD} (
    "id" int PRIMARY KEY,
    "col; --" text,
    "Mixed ""Case""" text NOT NULL
  );
  CREATE TABLE ${UNICODE} (
    "ключ" text,
    "n°" int,
    "parent id" int REFERENCES ${WEIRD} ("id") ON DELETE CASCADE,
    "値" jsonb,
    PRIMARY KEY ("ключ", "n°")
  );
  CREATE TABLE ${KEYWORDS} ("from" int PRIMARY KEY, "where" text, "order" timestamptz);
  CREATE TABLE ${DOLLARS} ("$1" int PRIMARY KEY, "'quote'" text);
`;
const SEED = `
  INSERT INTO public.canary VALUES (1);
  INSERT INTO ${WEIRD} SELECT g, $$x'; DROP TABLE public.canary; --$$ || g, 'Ünïcødé "' || g || '" 🚀'
    FROM generate_series(1, 400) g;
  INSERT INTO ${UNICODE} SELECT 'ключ-' || (g % 40), g, (g % 400) + 1, jsonb_build_object('k"ey', g, '表', 'x;y')
    FROM generate_series(1, 600) g;
  INSERT INTO ${KEYWORDS} SELECT g, 'where ' || g, timestamptz '2024-01-01 00:00:00.123456+00' + g * interval '1 second'
    FROM generate_series(1, 50) g;
  INSERT INTO ${DOLLARS} SELECT g, $q$it's $1$q$ FROM generate_series(1, 20) g;
`;

let cluster: PgCluster;
let primaryUrl: string;
let backupUrl: string;

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0, backup: true });
  primaryUrl = cluster.primary.url;
  backupUrl = cluster.backup?.url as string;
  await cluster.primary.sql(DDL + SEED);
  await cluster.backup?.sql(`${DDL} INSERT INTO public.canary VALUES (1);`);
});
afterAll(() => cluster?.stop());

const env = () => ({ DATABASE_URL: primaryUrl, BACKUP_DATABASE_URL: backupUrl });

/** Every row of every hostile table, as JSON, in key order. */
async function contents(node: 'primary' | 'backup'): Promise<string[]> {
  const target = node === 'primary' ? cluster.primary : cluster.backup;
  const out: string[] = [];
  for (const table of TABLES) {
    const rows = await target?.sql(`SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`);
    out.push(...(rows ?? []).map((r) => `${table} ${String(r.row)}`));
  }
  return out;
}

const canaryAlive = async () =>
  (await cluster.backup?.sql(`SELECT count(*)::int AS n FROM public.canary`))?.[0]?.n === 1 &&
  (await cluster.primary.sql(`SELECT count(*)::int AS n FROM public.canary`))[0]?.n === 1;

interface DriftJson {
  clean: boolean;
  tables: {
    table: string;
    status: string;
    missing: number;
    extra: number;
    changed: number;
    repair?: { verified: boolean };
  }[];
}

describe('hostile identifiers through sync:backup and drift on PostgreSQL', () => {
  it('sync:backup --tables with quoted hostile names copies exactly those tables, rows identical', async () => {
    const run = await runScript('sync-backup.ts', ['--json', '--tables', TABLES.join(',')], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      tables: { table: string; status: string; rowsWritten: number }[];
    };
    expect(report.ok).toBe(true);
    expect(report.tables.map((t) => [t.status, t.rowsWritten]).sort()).toEqual(
      [
        ['copied', 20],
        ['copied', 400],
        ['copied', 50],
        ['copied', 600],
      ].sort(),
    );
    expect(await contents('backup')).toEqual(await contents('primary'));
    expect(await canaryAlive()).toBe(true);
  });

  it('drift finds missing, extra and changed rows in them, --repair fixes exactly those', async () => {
    await cluster.backup?.sql(`
      DELETE FROM ${WEIRD} WHERE "id" IN (7, 300);
      UPDATE ${UNICODE} SET "値" = '{"changed": true}' WHERE "ключ" = 'ключ-3' AND "n°" = 3;
      INSERT INTO ${UNICODE} VALUES ('extra; DROP TABLE public.canary', 1, NULL, NULL);
      UPDATE ${KEYWORDS} SET "order" = "order" + interval '1 microsecond' WHERE "from" = 10;
      DELETE FROM ${DOLLARS} WHERE "$1" = 20;
    `);
    const found = await runScript('drift.ts', ['--json', '--recheck-delay-ms', '0'], env());
    expect(found.code).toBe(1);
    const report = JSON.parse(found.stdout) as DriftJson;
    const counts = (part: string) => {
      const t = report.tables.find((x) => x.table.includes(part));
      return t && [t.missing, t.extra, t.changed];
    };
    expect(counts('Tab le')).toEqual([2, 0, 0]);
    // ON DELETE CASCADE on the backup also removed the 3 child rows of ids 7 and 300.
    expect(counts('🚀')).toEqual([3, 1, 1]);
    expect(counts('select')).toEqual([0, 0, 1]);
    expect(counts('$dollar$')).toEqual([1, 0, 0]);
    expect(report.tables.find((t) => t.table === 'public.canary')).toMatchObject({ status: 'clean' });
    expect(report.clean).toBe(false);

    const repaired = await runScript('drift.ts', ['--json', '--repair', '--recheck-delay-ms', '0'], env());
    expect(repaired.code).toBe(0);
    const after = JSON.parse(repaired.stdout) as DriftJson;
    expect(after.clean).toBe(true);
    expect(after.tables.filter((t) => t.status === 'drift').every((t) => t.repair?.verified === true)).toBe(
      true,
    );
    expect(await contents('backup')).toEqual(await contents('primary'));
    expect(await canaryAlive()).toBe(true);
    const again = await runScript('drift.ts', ['--recheck-delay-ms', '0'], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('clean');
  });

  it('a hostile name that does not exist is a usage error (exit 2) and touches nothing', async () => {
    const before = await contents('backup');
    const run = await runScript(
      'sync-backup.ts',
      ['--tables', '"x""; DROP TABLE public.canary;--"."nope"'],
      env(),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sync:backup: .*nope/);
    expect(await contents('backup')).toEqual(before);
    expect(await canaryAlive()).toBe(true);
  });
});
