import { afterAll } from 'vitest';
import { describeCallerRows } from './support/caller-rows-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

// One throwaway primary + backup cluster for the whole file; each driver's codecs decode differently on 1.0.
const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeCallerRows('PostgreSQL 15, postgres.js', () => cluster.open(), { pglite: false });
describeCallerRows('PostgreSQL 15, node-postgres (connect)', () => cluster.open('pg'), { pglite: false });
describeCallerRows('PostgreSQL 15, node-postgres (own pg.Pool)', () => cluster.open('own-pg'), {
  pglite: false,
});
