/**
 * What a PGlite test fixture costs: a fresh instance migrated from scratch vs a clone of a migrated template vs a
 * reset by truncation. It is why suites build one template per process and reset between tests.
 */
import { PGlite } from '@electric-sql/pglite';
import { seedSampleData, splitLayout } from '@multidb/example-app';
import { migrate } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import { closeSharedPgliteTemplates, resetDatabase } from '@multidb/testing';
import { openExampleFixture } from '../test/split/example-fixtures.js';
import { fmt, machine, measure, type Ratio, timeMs, writeResults } from './lib/bench-kit.js';

const ALL_SCHEMAS = ['config', 'customer', 'workspace', 'reference'];

const fresh = await measure(
  () =>
    timeMs(async () => {
      const clients = splitClientsFromPglite(splitLayout, { primary: await PGlite.create() });
      await migrate(clients);
      await clients.close();
    }),
  3,
  0,
);
const clone = await measure(() => timeMs(async () => (await openExampleFixture(false)).close()), 5);
const pair = await measure(() => timeMs(async () => (await openExampleFixture(true)).close()), 5);

const clients = await openExampleFixture(false);
const resetSeeded = await measure(async () => {
  await seedSampleData({ primary: clients.primary.db, data: clients.data.db });
  return timeMs(() => resetDatabase(clients.primary.db, ALL_SCHEMAS));
}, 7);
const resetEmpty = await measure(() => timeMs(() => resetDatabase(clients.primary.db, ALL_SCHEMAS)), 7);
await clients.close();
await closeSharedPgliteTemplates();

const ratios: Ratio[] = [
  {
    label: 'PGlite fixture: clone of template / fresh create+migrate',
    value: clone.median / fresh.median,
    goal: 0.5,
    better: 'lower',
  },
];
writeResults(
  'fixtures',
  `## PGlite fixture cost

${machine()}

| fixture | time |
| --- | --- |
| fresh: \`PGlite.create\` + migrate PRIMARY and DATA | ${fmt(fresh, 'ms', 0)} |
| clone of the migrated template (one database) | ${fmt(clone, 'ms', 0)} |
| clone pair (PRIMARY + DATA templates) | ${fmt(pair, 'ms', 0)} |
| reset by truncation after seeding (15 tables) | ${fmt(resetSeeded, 'ms', 1)} |
| reset by truncation, already empty | ${fmt(resetEmpty, 'ms', 1)} |
`,
  ratios,
);
