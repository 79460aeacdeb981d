import { describeExactlyOnce } from './support/exactly-once-suite.js';
import { pglitePair } from './support/pair.js';

describeExactlyOnce('PGlite', pglitePair);
