import { afterAll } from 'vitest';
import { describeDeleteReinsert } from './support/delete-reinsert-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeDeleteReinsert('PostgreSQL', cluster.open);
