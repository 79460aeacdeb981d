import { afterAll } from 'vitest';
import { describeKeyChanges } from './support/key-change-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeKeyChanges('PostgreSQL', cluster.open);
