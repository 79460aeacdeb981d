import { afterAll } from 'vitest';
import { describeCapture } from './support/capture-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeCapture('PostgreSQL over postgres.js', 'memory', () => cluster.open('postgres'));
describeCapture('PostgreSQL over postgres.js', 'durable', () => cluster.open('postgres'));
// The application's own node-postgres databases (`drizzle(new pg.Pool(...))`) as primary and backup.
describeCapture('PostgreSQL over node-postgres', 'memory', () => cluster.open('own-pg'));
describeCapture('PostgreSQL over node-postgres', 'durable', () => cluster.open('own-pg'));
