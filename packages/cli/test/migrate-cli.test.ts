import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, drizzleLine, executeRows } from '@multidb/config';
import { defineSplitSchema, type MigrationFolderLayout } from '@multidb/split-schema';
import { integer, pgSchema } from 'drizzle-orm/pg-core';
import { afterAll, describe, expect, it } from 'vitest';
// The command module itself: `@multidb/cli`'s index also loads the router, which this test does not need.
import { type MigrateCliIo, runMigrateCli } from '../src/commands/migrate.js';

const root = mkdtempSync(join(tmpdir(), 'multidb-migrate-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const alpha = pgSchema('alpha');
const beta = pgSchema('beta');
const tables = {
  things: alpha.table('things', { id: integer('id').primaryKey() }),
  items: beta.table('items', { id: integer('id').primaryKey() }),
};
const SQL = { primary: 'CREATE SCHEMA "alpha";', data: 'CREATE SCHEMA "beta";' };
const INSTALLED: MigrationFolderLayout = drizzleLine() === '1.0' ? 'folders' : 'journal';
const OTHER: MigrationFolderLayout = INSTALLED === 'folders' ? 'journal' : 'folders';

/** A one-migration folder as drizzle-kit 0.31 (`journal`) or 1.0 (`folders`) writes it. */
function writeFolder(folder: string, layout: MigrationFolderLayout, sql: string): void {
  if (layout === 'folders') {
    mkdirSync(join(folder, '20260101120000_init'), { recursive: true });
    writeFileSync(join(folder, '20260101120000_init', 'migration.sql'), sql);
    return;
  }
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const entry = { idx: 0, version: '7', when: 1767268800123, tag: '0000_init', breakpoints: true };
  writeFileSync(
    join(folder, 'meta', '_journal.json'),
    JSON.stringify({ version: '7', dialect: 'postgresql', entries: [entry] }),
  );
  writeFileSync(join(folder, '0000_init.sql'), sql);
}

function layoutFor(name: string, dataLayout: MigrationFolderLayout) {
  const folder = (side: 'primary' | 'data', layout: MigrationFolderLayout) => {
    const path = join(root, name, side);
    writeFolder(path, layout, SQL[side]);
    return path;
  };
  return defineSplitSchema({
    primary: { schemas: ['alpha'], migrations: { folder: folder('primary', INSTALLED) } },
    data: { schemas: ['beta'], migrations: { folder: folder('data', dataLayout) } },
    tables,
  });
}

async function run(argv: string[], name: string, dataLayout: MigrationFolderLayout) {
  const out: string[] = [];
  const err: string[] = [];
  const url = `pglite:${join(root, name, 'db')}`;
  const io: MigrateCliIo = {
    env: { PRIMARY_DATABASE_URL: url },
    layout: layoutFor(name, dataLayout),
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  };
  const code = await runMigrateCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n'), url };
}

async function schemasAt(url: string): Promise<string[]> {
  const handle = await connect(url);
  try {
    const rows = await executeRows<{ n: string }>(
      handle.db,
      `select nspname as n from pg_namespace where nspname in ('alpha', 'beta', 'drizzle') order by 1`,
    );
    return rows.map((r) => r.n);
  } finally {
    await handle.close();
  }
}

describe(`multidb migrate on drizzle-orm ${drizzleLine()}`, () => {
  it('migrates folders in the installed drizzle-kit layout (exit 0)', async () => {
    const result = await run(['all'], 'fits', INSTALLED);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/applied\s+\d+_init/);
    expect(await schemasAt(result.url)).toEqual(['alpha', 'beta', 'drizzle']);
  });

  it('a folder in the other layout: exit 1, every database blocked, nothing applied, the fix named', async () => {
    const result = await run(['all', '--json'], 'mismatch', OTHER);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out) as {
      databases: { database: string; outcome: string; messages: string[] }[];
    };
    expect(report.databases.map((d) => [d.database, d.outcome])).toEqual([
      ['primary', 'blocked'],
      ['data', 'blocked'],
    ]);
    const message = report.databases[0]?.messages[0] ?? '';
    expect(message).toContain(join(root, 'mismatch', 'data'));
    expect(message).toMatch(drizzleLine() === '1.0' ? /npx drizzle-kit up/ : /install drizzle-orm 1\.0/);
    expect(await schemasAt(result.url)).toEqual([]);

    const status = await run(['status'], 'mismatch', OTHER);
    expect(status.code).toBe(1);
    expect(status.out).toContain('error: ');
    expect(status.out).toContain(join(root, 'mismatch', 'data'));
  });
});
