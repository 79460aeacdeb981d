import { describe, expect, it } from 'vitest';
import { checkReplication, replicationStatus, syncSequences, teardownReplication } from '../src/index.js';
import { settleOptions } from '../src/replication-sides.js';

// Options are checked before anything connects: a typed error naming what is wrong (no server needed).
const primary = 'postgres://app:Secret-9f1c@127.0.0.1:1/app';
const backup = 'postgres://app:Secret-9f1c@127.0.0.1:2/app';

describe('replication options', () => {
  it('settles defaults: name, publisher URL, every table', () => {
    const settled = settleOptions({ primary, backup })._unsafeUnwrap();
    expect(settled).toEqual({ name: 'multidb_backup', publisherUrl: primary, tables: undefined });
  });

  it('parses table names, public by default, quoted odd names', () => {
    const settled = settleOptions({ primary, backup, tables: ['items', 'shop."Odd.Name"'] })._unsafeUnwrap();
    expect(settled.tables).toEqual([
      { schema: 'public', name: 'items' },
      { schema: 'shop', name: 'Odd.Name' },
    ]);
  });

  it.each([
    [{ name: 'Upper' }, 'name must be'],
    [{ name: 'x'.repeat(64) }, 'name must be'],
    [{ tables: [] }, 'tables is empty'],
    [{ tables: ['a.b.c'] }, 'tables'],
    [{ backup: 'pglite:memory' }, 'needs PostgreSQL servers'],
    [{ publisherUrl: 'mysql://x' }, 'publisherUrl'],
  ])('refuses %j', (bad, message) => {
    const result = settleOptions({ primary, backup, ...bad });
    expect(result.isErr() && result.error.type).toBe('InvalidOptions');
    expect(result.isErr() && result.error.message).toContain(message);
  });

  it('every entry point refuses bad options before connecting, without printing the password', async () => {
    for (const run of [checkReplication, replicationStatus, syncSequences, teardownReplication]) {
      const result = await run({ primary, backup, name: 'Bad Name' });
      expect(result.isErr() && result.error.type).toBe('InvalidOptions');
      expect(JSON.stringify(result)).not.toContain('Secret-9f1c');
    }
  });
});
