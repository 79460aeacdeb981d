import { MultiDbError } from '@multidb/config';
import { afterEach, describe, expect, test } from 'vitest';
import { createDbRouter, createDbRouterFromEnv, type DbRouter } from '../src/index.js';

const MARKER = 'Marker-Secret-7f3a';
// Port 1 refuses connections at once: the probes and the queries fail, with the URL in scope.
const replicaUrl = `postgres://app:${MARKER}@127.0.0.1:1/app`;
const routers: DbRouter[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

function leaks(value: unknown): boolean {
  return JSON.stringify(value).includes(MARKER);
}

describe('no credentials in health, metrics or errors', () => {
  test('URL nodes that cannot be reached', async () => {
    const router = createDbRouter({
      primary: 'pglite:memory',
      replicas: [{ name: 'broken', db: replicaUrl }],
      health: { background: false, failuresToDown: 1 },
      connect: { connectTimeout: 2 },
    });
    routers.push(router);
    const status = await router.checkHealth();
    const broken = status.nodes.find((n) => n.name === 'broken');
    expect(broken).toMatchObject({ healthy: false, url: 'postgres://app:***@127.0.0.1:1/app' });
    expect(broken?.lastError).toMatch(/ECONNREFUSED|connect/i);
    const [brokenDb] = router.$replicas;
    const error = await brokenDb?.execute('select 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(leaks(status)).toBe(false);
    expect(leaks(router.getMetrics())).toBe(false);
    expect(leaks(router.getHealthStatus())).toBe(false);
    expect(String(error)).not.toContain(MARKER);
    expect(String((error as Error).cause)).not.toContain(MARKER);
    expect(await router.getClient('read').execute('select 1 as one')).toMatchObject({ rows: [{ one: 1 }] });
  });

  test('configuration errors', () => {
    const env = { DATABASE_URL: `postgres://app:${MARKER}@/nohost`, DATABASE_READ_REPLICA_1_WEIGHT: 'zero' };
    const error = (() => {
      try {
        createDbRouterFromEnv({ env });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MultiDbError);
    expect(error).toMatchObject({ code: 'InvalidConfig' });
    expect(String((error as Error).message)).not.toContain(MARKER);
    expect(leaks((error as MultiDbError).context)).toBe(false);
  });

  test('invalid router options report every problem at once', () => {
    expect(() =>
      createDbRouter({
        primary: 'pglite:memory',
        replicas: [
          { name: 'r', db: replicaUrl, weight: 0, intents: [] },
          { name: 'r', db: replicaUrl },
        ],
        health: { intervalMs: -1 },
      }),
    ).toThrowError(
      expect.objectContaining({
        code: 'InvalidRouterConfig',
        message: expect.stringMatching(/weight[\s\S]*intents|intents[\s\S]*weight/),
      }),
    );
    expect(() =>
      createDbRouter({
        primary: 'pglite:memory',
        logger: { warn() {} } as never,
        clock: (() => 0) as never,
      }),
    ).toThrowError(
      expect.objectContaining({
        code: 'InvalidRouterConfig',
        message: expect.stringMatching(/logger must be a logger[\s\S]*clock must be an object/),
      }),
    );
    try {
      createDbRouter({ primary: 'pglite:memory', replicas: [{ name: 'x y', db: replicaUrl }] });
    } catch (error) {
      expect((error as MultiDbError).context.issues).toHaveLength(1);
      expect(leaks(error)).toBe(false);
    }
  });
});
