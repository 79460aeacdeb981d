import { drizzleLine, loadConfig, MultiDbError } from '@multidb/config';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { migrate, openSplitClients, relationalOptionsOf, type SplitClients } from '../src/index.js';
import { testLayout as splitLayout } from './fixtures/test-layout.js';
import { userSchemas } from './support.js';

describe('openSplitClients', () => {
  it('SPLIT_DB_MODE=false: primary and data are the same handle on one connection', async () => {
    const topology = loadConfig(
      {},
      { DATABASE_URL: 'pglite:memory', SPLIT_DB_MODE: 'false' },
    )._unsafeUnwrap();
    const clients = await openSplitClients(splitLayout, topology);
    try {
      expect(clients.splitMode).toBe(false);
      expect(clients.primary).toBe(clients.data);
      expect(clients.handle('data')).toBe(clients.primary);
      await migrate(clients);
      // One database answers for both sides, relational queries included.
      expect(await clients.primary.db.query.members.findMany({ with: { tokens: true } })).toEqual([]);
      expect(await clients.data.db.query.eventLog.findMany({ with: { tags: true } })).toEqual([]);
      expect(await userSchemas(clients.data.db)).toEqual([
        'accounts',
        'billing',
        'drizzle',
        'events',
        'lookup',
      ]);
    } finally {
      await clients.close();
    }
    expect(clients.primary.closed).toBe(true);
    await clients.close(); // idempotent
  });

  it('SPLIT_DB_MODE=true: two handles on two databases', async () => {
    const topology = loadConfig(
      {},
      { PRIMARY_DATABASE_URL: 'pglite:memory', DATA_DATABASE_URL: 'pglite:memory', SPLIT_DB_MODE: 'true' },
    )._unsafeUnwrap();
    const clients = await openSplitClients(splitLayout, topology);
    try {
      expect(clients.splitMode).toBe(true);
      expect(clients.primary).not.toBe(clients.data);
      expect(clients.primary.pglite).not.toBe(clients.data.pglite);
      await migrate(clients);
      expect(await userSchemas(clients.primary.db)).toEqual(['accounts', 'billing', 'drizzle']);
      expect(await userSchemas(clients.data.db)).toEqual(['drizzle', 'events', 'lookup']);
      // Each side's client only knows its own tables.
      expect(Object.keys(clients.primary.db.query)).not.toContain('eventLog');
      expect(Object.keys(clients.data.db.query)).toContain('eventLog');
    } finally {
      await clients.close();
    }
    expect(clients.primary.closed && clients.data.closed).toBe(true);
  });

  it('refuses split mode without a data URL, or with both sides in one PGlite directory', async () => {
    await expect(
      openSplitClients(splitLayout, { primaryUrl: 'pglite:memory', splitMode: true }),
    ).rejects.toThrow(MultiDbError);
    const sameDir = openSplitClients(splitLayout, {
      primaryUrl: 'pglite:./.data/x',
      dataUrl: 'pglite:.data/x',
      splitMode: true,
    });
    await expect(sameDir).rejects.toMatchObject({ code: 'InvalidSplitConfig' });
  });

  it('types each side with its own schema', () => {
    type Clients = SplitClients<typeof splitLayout.primary.schema, typeof splitLayout.data.schema>;
    expectTypeOf<keyof Clients['primary']['db']['query']>().toEqualTypeOf<'members' | 'tokens' | 'plans'>();
    expectTypeOf<keyof Clients['data']['db']['query']>().toEqualTypeOf<'kinds' | 'eventLog' | 'eventTags'>();
  });

  it('relationalOptionsOf gives the installed line its spelling: { schema } on 0.45, { relations } on 1.0', () => {
    const options = relationalOptionsOf(splitLayout.primary);
    if (drizzleLine() === '0.45') {
      expect(Object.keys(options)).toEqual(['schema']);
      expect(Object.keys(options.schema ?? {}).sort()).toEqual(
        Object.keys(splitLayout.primary.schema).sort(),
      );
    } else {
      expect(Object.keys(options)).toEqual(['relations']);
      expect(options.relations).toBe(splitLayout.primary.relations);
    }
  });
});
