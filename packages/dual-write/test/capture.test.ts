import { describeCapture } from './support/capture-suite.js';
import { pglitePair } from './support/pair.js';

describeCapture('PGlite', 'memory', pglitePair);
describeCapture('PGlite', 'durable', pglitePair);
