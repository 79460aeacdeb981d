import { connect } from '@multidb/config';
import { describeNoReturningThroughRouter } from './no-returning-suite.js';

// PGlite in memory; postgres.js and node-postgres on real PostgreSQL in no-returning-counts.pg.test.ts.
const open = async () => [await connect('pglite:memory'), await connect('pglite:memory')] as const;
describeNoReturningThroughRouter('PGlite', open);
describeNoReturningThroughRouter('PGlite', open, 'durable');
