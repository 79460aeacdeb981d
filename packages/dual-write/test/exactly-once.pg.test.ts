import { afterAll } from 'vitest';
import { describeExactlyOnce } from './support/exactly-once-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeExactlyOnce('PostgreSQL', cluster.open);
