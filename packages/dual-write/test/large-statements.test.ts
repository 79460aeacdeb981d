import { describeLargeStatements } from './support/large-statement-suite.js';
import { pglitePair } from './support/pair.js';

describeLargeStatements('PGlite', pglitePair);
