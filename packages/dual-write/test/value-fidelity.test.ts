import { pglitePair } from './support/pair.js';
import { describeValueFidelity } from './support/value-fidelity-suite.js';

// One PGlite primary + backup for the whole file, reset by truncation between property runs.
describeValueFidelity('PGlite', pglitePair, { numRuns: 12, maxRows: 6 });
