import { describeLostCommitAnswers } from './support/lost-commit-answers-suite.js';
import { pglitePair } from './support/pair.js';

describeLostCommitAnswers('PGlite', pglitePair, { numRuns: 40 });
