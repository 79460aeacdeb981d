import { afterAll } from 'vitest';
import { describeCapture } from './support/capture-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

describeCapture('PostgreSQL', 'memory', () => cluster.open());
describeCapture('PostgreSQL', 'durable', () => cluster.open());
// node-postgres primary and backup (`drizzle(new pg.Pool(...))`): memory mode (durable mode needs the driver layer).
describeCapture('PostgreSQL over node-postgres', 'memory', () => cluster.open('node-postgres'));
