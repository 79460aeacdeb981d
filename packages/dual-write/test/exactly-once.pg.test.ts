import { afterAll } from 'vitest';
import { describeExactlyOnce } from './support/exactly-once-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeExactlyOnce('PostgreSQL (postgres.js)', () => cluster.open());
// A user's own Drizzle database over a pg.Pool: the ledger's arrays and the fence statement on node-postgres.
describeExactlyOnce('PostgreSQL (node-postgres)', () => cluster.open('own-pg'));
