import { MultiDbError, pgDatabaseClass } from '@multidb/config';
import { is } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import {
  createDbRouterFromEnv,
  createLazyDbRouter,
  dbRouter,
  routerOptionsFromTopology,
} from '../src/index.js';

describe('lazily built router', () => {
  test('nothing is built until first use; close() before use builds nothing', async () => {
    let builds = 0;
    const lazy = createLazyDbRouter(() => {
      builds++;
      return createDbRouterFromEnv({ env: { DATABASE_URL: 'pglite:memory' }, health: { background: false } });
    });
    await lazy.close();
    expect(builds).toBe(0);
    const read = lazy.getClient('read');
    expect(is(read, pgDatabaseClass())).toBe(true);
    expect(await read.execute('select 41 + 1 as answer')).toMatchObject({ rows: [{ answer: 42 }] });
    lazy.getMetrics();
    expect(builds).toBe(1);
    expect(lazy.built).toBe(true);
    await lazy.close();
    expect(lazy.closed).toBe(true);
    await expect(read.execute('select 1')).rejects.toMatchObject({ code: 'RouterClosed' });
  });

  test('the environment topology: primary and replicas with their intents, weights and DR role', () => {
    const env = {
      DATABASE_URL: 'postgres://app:pw@db:5432/app',
      DATABASE_READ_REPLICA_1_URL: 'postgres://app:pw@r1:5432/app',
      DATABASE_READ_REPLICA_2_URL: 'postgres://app:pw@r2:5432/app',
      DATABASE_READ_REPLICA_2_WEIGHT: '3',
      DATABASE_READ_REPLICA_DR_URL: 'postgres://app:pw@dr:5432/app',
    };
    const router = createDbRouterFromEnv({ env, health: { background: false } });
    const nodes = router.getHealthStatus().nodes.map((n) => ({
      name: n.name,
      role: n.role,
      intents: n.intents,
      weight: n.weight,
      url: n.url,
    }));
    expect(nodes).toEqual([
      {
        name: 'primary',
        role: 'primary',
        intents: ['read', 'analytics', 'background'],
        weight: 1,
        url: 'postgres://app:***@db:5432/app',
      },
      {
        name: 'replica-1',
        role: 'replica',
        intents: ['read', 'analytics'],
        weight: 1,
        url: 'postgres://app:***@r1:5432/app',
      },
      {
        name: 'replica-2',
        role: 'replica',
        intents: ['read', 'background'],
        weight: 3,
        url: 'postgres://app:***@r2:5432/app',
      },
      {
        name: 'dr',
        role: 'dr',
        intents: ['read', 'analytics', 'background'],
        weight: 1,
        url: 'postgres://app:***@dr:5432/app',
      },
    ]);
    return router.close();
  });

  test('bad environment: a typed error where the router is first used', () => {
    const lazy = createLazyDbRouter(() => createDbRouterFromEnv({ env: { SPLIT_DB_MODE: 'maybe' } }));
    expect(() => lazy.getClient('read')).toThrowError(expect.objectContaining({ code: 'InvalidConfig' }));
    expect(() => lazy.getClient('read')).toThrow(MultiDbError);
  });

  test('the exported dbRouter is lazy', () => {
    expect(dbRouter.built).toBe(false);
    expect(typeof routerOptionsFromTopology).toBe('function');
  });

  test('an unknown intent is a typed error', async () => {
    const router = createDbRouterFromEnv({
      env: { DATABASE_URL: 'pglite:memory' },
      health: { background: false },
    });
    expect(() => router.getClient('reed' as 'read')).toThrowError(
      expect.objectContaining({ code: 'UnknownIntent' }),
    );
    await router.close();
  });
});
