import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connect, executeRows, MultiDbError, parseDatabaseUrl } from '../src/index.js';

describe('connect', () => {
  it('opens an in-memory PGlite database that normalises execute results', async () => {
    const handle = await connect('pglite:memory');
    expect(handle.kind).toBe('pglite');
    expect(handle.safeUrl).toBe('pglite:memory');
    const rows = await executeRows(handle.db, sql`select 1 + 1 as two`);
    expect(rows).toEqual([{ two: 2 }]);
    await handle.close();
    await handle.close();
    expect(handle.closed).toBe(true);
    expect(handle.pglite?.closed).toBe(true);
  });

  it('keeps a PGlite data directory across connections', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'multidb-connect-'));
    try {
      const first = await connect(`pglite:${dir}`);
      await first.exec('create table kept (id int primary key); insert into kept values (7)');
      await first.close();
      const second = await connect(`pglite:${dir}`);
      expect(await executeRows(second.db, 'select id from kept')).toEqual([{ id: 7 }]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds a postgres.js client lazily and redacts its URL; closing twice is fine', async () => {
    const handle = await connect('postgres://app:hunter2@127.0.0.1:1/none', { connectTimeout: 1 });
    expect(handle.kind).toBe('postgres');
    expect(handle.safeUrl).toBe('postgres://app:***@127.0.0.1:1/none');
    const failure = await executeRows(handle.db, 'select 1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).not.toContain('hunter2');
    await handle.close();
    await handle.close();
  });

  it('refuses unknown URL kinds with a typed error that hides the password', async () => {
    const error = await connect('mysql://root:hunter2@h/db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultiDbError);
    expect((error as MultiDbError).code).toBe('InvalidUrl');
    expect((error as MultiDbError).message).not.toContain('hunter2');
    expect(parseDatabaseUrl('pglite:')._unsafeUnwrapErr().message).toMatch(/memory` or a directory/);
    expect(parseDatabaseUrl('pglite://memory')._unsafeUnwrap().dataDir).toBeUndefined();
  });
});
