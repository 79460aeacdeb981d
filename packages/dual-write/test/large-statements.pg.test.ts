import { afterAll } from 'vitest';
import { describeLargeStatements } from './support/large-statement-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeLargeStatements('PostgreSQL', cluster.open);
