import { afterAll } from 'vitest';
import { describeCapture } from './support/capture-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeCapture('PostgreSQL', 'memory', cluster.open);
describeCapture('PostgreSQL', 'durable', cluster.open);
