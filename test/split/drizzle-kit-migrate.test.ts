import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, executeRows } from '@multidb/config';
import type { SplitTarget } from '@multidb/split-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDrizzleKitMigrate, expectKitResult } from './drizzle-kit-migrate.js';

const root = mkdtempSync(join(tmpdir(), 'multidb-kit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function schemasAt(url: string): Promise<string[]> {
  const handle = await connect(url);
  try {
    const rows = await executeRows<{ name: string }>(
      handle.db,
      `select nspname as name from pg_namespace where nspname in ('config','customer','workspace','reference','drizzle') order by 1`,
    );
    return rows.map((r) => r.name);
  } finally {
    await handle.close();
  }
}

// Each drizzle-kit run is a child process that opens PGlite (~5 s): the two modes run side by side.
describe.concurrent('drizzle-kit migrate --config drizzle/<database>.config.ts against a PGlite dir', () => {
  it('SPLIT_DB_MODE=false: both migration sets in one database', async () => {
    const target: SplitTarget = { primaryUrl: `pglite:${join(root, 'single', 'db')}`, splitMode: false };
    expectKitResult(await checkDrizzleKitMigrate(target));
    expect(await schemasAt(target.primaryUrl)).toEqual([
      'config',
      'customer',
      'drizzle',
      'reference',
      'workspace',
    ]);
  }, 240_000);

  it('SPLIT_DB_MODE=true: each set in its own database', async () => {
    const target: SplitTarget = {
      primaryUrl: `pglite:${join(root, 'split', 'primary')}`,
      dataUrl: `pglite:${join(root, 'split', 'data')}`,
      splitMode: true,
    };
    expectKitResult(await checkDrizzleKitMigrate(target));
    expect(await schemasAt(target.primaryUrl)).toEqual(['config', 'customer', 'drizzle']);
    expect(await schemasAt(target.dataUrl as string)).toEqual(['drizzle', 'reference', 'workspace']);
  }, 240_000);
});
