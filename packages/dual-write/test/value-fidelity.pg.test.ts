import { afterAll } from 'vitest';
import { sharedCluster } from './support/pg-cluster-pair.js';
import { describeValueFidelity } from './support/value-fidelity-suite.js';

// One throwaway primary + backup cluster for the whole file (started by the harness), reset by truncation.
const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeValueFidelity('PostgreSQL 15', cluster.open, { numRuns: 20, maxRows: 6 });
