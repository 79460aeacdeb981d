import { afterAll } from 'vitest';
import { describeCapture } from './support/capture-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeCapture('PostgreSQL over postgres.js', 'memory', () => cluster.open('postgres'));
describeCapture('PostgreSQL over postgres.js', 'durable', () => cluster.open('postgres'));
describeCapture('PostgreSQL over node-postgres', 'memory', () => cluster.open('pg'));
describeCapture('PostgreSQL over node-postgres', 'durable', () => cluster.open('pg'));
