import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect } from '../src/index.js';
import { describeDriver } from './support/driver-suite.js';

let cluster: PgCluster;

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

describeDriver({ kind: 'postgres', open: () => connect(cluster.primary.url, { max: 3 }) });
describeDriver({ kind: 'pg', open: () => connect(cluster.primary.url, { driver: 'pg', max: 3 }) });

it('MULTIDB_DRIVER=pg opens node-postgres, with a redacted safeUrl', async () => {
  const handle = await connect(cluster.primary.url, { env: { MULTIDB_DRIVER: 'pg' } });
  try {
    expect(handle.kind).toBe('pg');
    expect(handle.safeUrl).not.toMatch(/:[^/@]+@/);
    await handle.exec('select 1; select 2');
  } finally {
    await handle.close();
  }
});
