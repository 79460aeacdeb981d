import { describeCallerRows } from './support/caller-rows-suite.js';
import { pglitePair } from './support/pair.js';

// One PGlite primary + backup for the whole file, reset by truncation between tests.
describeCallerRows('PGlite', pglitePair, { pglite: true });
