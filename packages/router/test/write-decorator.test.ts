import { MultiDbError, pgDatabaseClass } from '@multidb/config';
import { is } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import {
  createDbRouter,
  type DbRouter,
  type WriteClientKind,
  type WriteClientWrapper,
} from '../src/index.js';
import { servedBy, useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

const suite = useInMemoryCluster(['replica']);

interface Recorded {
  readonly wrapped: WriteClientKind[];
  readonly calls: string[];
}

/**
 * Like dual-write's `withBackup`: an overlay with the database as prototype (so `is(x, PgDatabase)` and every
 * read are inherited) whose insert/update/delete/transaction are replaced by recording versions.
 */
function recordingWrapper(recorded: Recorded): WriteClientWrapper {
  return (db, kind) => {
    recorded.wrapped.push(kind);
    const overlay = Object.create(db) as typeof db;
    for (const method of ['insert', 'update', 'delete', 'transaction'] as const) {
      const original = db[method] as (...args: unknown[]) => unknown;
      Object.defineProperty(overlay, method, {
        value: (...args: unknown[]) => {
          recorded.calls.push(`${kind}.${method}`);
          return original.apply(db, args);
        },
      });
    }
    return overlay;
  };
}

function makeRouter(wrapWriteClients: WriteClientWrapper): DbRouter<TestSchema> {
  const router = createDbRouter<TestSchema>({
    primary: suite.cluster.primary,
    replicas: [suite.cluster.spec('replica')],
    health: { background: false },
    wrapWriteClients,
  });
  suite.track(router);
  return router;
}

describe('wrapWriteClients', () => {
  test('wraps the write, transactional and $primary clients once each, when the router is built', () => {
    const recorded: Recorded = { wrapped: [], calls: [] };
    const router = makeRouter(recordingWrapper(recorded));
    expect(recorded.wrapped).toEqual(['write', 'transactional', 'primary']);
    const write = router.getClient('write');
    expect(router.getClient('write')).toBe(write);
    expect(router.getClient('write', { token: 'v1.0000000000000001' })).toBe(write);
    expect(router.getClient('transactional', { token: 'garbage' })).toBe(router.getClient('transactional'));
    expect(Object.getPrototypeOf(write)).not.toBe(pgDatabaseClass().prototype);
    expect(is(write, pgDatabaseClass())).toBe(true);
    expect(recorded.wrapped).toHaveLength(3);
  });

  test('writes, transactions and $primary go through the wrapper; reads and replicas do not', async () => {
    const recorded: Recorded = { wrapped: [], calls: [] };
    const router = makeRouter(recordingWrapper(recorded));
    await router.getClient('write').insert(users).values({ email: 'a@x', name: 'A' });
    await router.withTransaction(async (tx) => {
      await tx.insert(users).values({ email: 'b@x', name: 'B' });
    });
    await router.getClient('transactional').update(users).set({ name: 'B2' });
    await router.$primary.delete(users);
    // The escape hatches still work through the overlay (it inherits them from the wrapped client).
    expect(router.getClient('write').$primary).toBe(router.$primary);
    expect(await servedBy(router.getClient('write').$replicas[0] as never)).toBe('replica');
    expect(recorded.calls).toEqual([
      'write.insert',
      'transactional.transaction',
      'transactional.update',
      'primary.delete',
    ]);

    await suite.cluster.replica('replica').catchUp();
    await router.checkHealth();
    await router.getClient('read').select().from(users);
    await router.getClient('analytics').select().from(users);
    await expect(
      router.getClient('read').insert(users).values({ email: 'c@x', name: 'C' }),
    ).rejects.toMatchObject({
      code: 'WriteOnReadIntent',
    });
    expect(await servedBy(router.getClient('read'))).toBe('replica');
    expect(recorded.calls).toHaveLength(4);
  });

  test('wrapped clients still route and count: the writes reached the primary', async () => {
    const router = makeRouter(recordingWrapper({ wrapped: [], calls: [] }));
    const [row] = await router
      .getClient('write')
      .insert(users)
      .values({ email: 'd@x', name: 'D' })
      .returning();
    expect(row).toMatchObject({ email: 'd@x' });
    expect(router.getMetrics().routed.write.primary).toBe(1);
    const onPrimary = await suite.cluster.primary.db.select().from(users);
    expect(onPrimary.map((u) => u.email)).toEqual(['d@x']);
  });

  test('a wrapper that does not return a Drizzle database, or is not a function, fails at construction', () => {
    const bad = (() => ({ insert() {} })) as unknown as WriteClientWrapper;
    expect(() => makeRouter(bad)).toThrow(MultiDbError);
    expect(() => makeRouter(bad)).toThrow(
      /wrapWriteClients must return a Drizzle database \(the one it was given, or an overlay of it\) for the 'write' client/,
    );
    expect(() => makeRouter('nope' as unknown as WriteClientWrapper)).toThrow(
      /wrapWriteClients must be a function/,
    );
  });

  test('without a wrapper the write client is the plain routed database', () => {
    const router = createDbRouter<TestSchema>({
      primary: suite.cluster.primary,
      health: { background: false },
    });
    suite.track(router);
    expect(Object.getPrototypeOf(router.getClient('write')).constructor.name).toBe('RoutedDatabase');
  });
});
