import { describeKeyChanges } from './support/key-change-suite.js';
import { pglitePair } from './support/pair.js';

describeKeyChanges('PGlite', pglitePair);
