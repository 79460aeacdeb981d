import { connect, type UrlDriver } from '@multidb/config';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll } from 'vitest';
import { describeNoReturningThroughRouter } from './no-returning-suite.js';

let primary: PgCluster;
let backup: PgCluster;

beforeAll(async () => {
  [primary, backup] = await Promise.all([startPgCluster({ replicas: 0 }), startPgCluster({ replicas: 0 })]);
});
afterAll(async () => {
  await Promise.all([primary?.stop(), backup?.stop()]);
});

for (const driver of ['postgres', 'pg'] as const satisfies readonly UrlDriver[]) {
  const open = async () =>
    [
      await connect(primary.primary.url, { driver, max: 3 }),
      await connect(backup.primary.url, { driver, max: 3 }),
    ] as const;
  describeNoReturningThroughRouter(driver, open);
  describeNoReturningThroughRouter(driver, open, 'durable');
}
