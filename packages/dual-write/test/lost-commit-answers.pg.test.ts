import { afterAll } from 'vitest';
import { describeLostCommitAnswers } from './support/lost-commit-answers-suite.js';
import { sharedCluster } from './support/pg-cluster-pair.js';

const cluster = sharedCluster();
afterAll(() => cluster.stop());

// Real servers: `txid_status` and the ledger on PostgreSQL 15, over postgres.js and over a user's own pg.Pool.
describeLostCommitAnswers('PostgreSQL (postgres.js)', () => cluster.open(), { numRuns: 10 });
describeLostCommitAnswers('PostgreSQL (node-postgres)', () => cluster.open('own-pg'), { numRuns: 10 });
