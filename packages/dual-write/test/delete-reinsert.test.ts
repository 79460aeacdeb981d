import { describeDeleteReinsert } from './support/delete-reinsert-suite.js';
import { pglitePair } from './support/pair.js';

describeDeleteReinsert('PGlite', pglitePair);
