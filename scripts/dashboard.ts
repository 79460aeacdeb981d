/**
 * `pnpm dashboard`: writes dashboards/multidb.json from scripts/dashboard/multidb-dashboard.ts (formatted like
 * the rest of the repository). `--check`: exit 1 if the committed file differs from the panel list.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { buildDashboard } from './dashboard/multidb-dashboard.js';

const FILE = new URL('../dashboards/multidb.json', import.meta.url);
const dashboard = buildDashboard();

if (process.argv.includes('--check')) {
  const committed: unknown = JSON.parse(readFileSync(FILE, 'utf8'));
  const same = isDeepStrictEqual(committed, JSON.parse(JSON.stringify(dashboard)));
  process.stdout.write(
    same
      ? 'dashboards/multidb.json is up to date\n'
      : 'dashboards/multidb.json is stale: run pnpm dashboard\n',
  );
  process.exit(same ? 0 : 1);
}
writeFileSync(FILE, `${JSON.stringify(dashboard, null, 2)}\n`);
const biome = new URL('../node_modules/.bin/biome', import.meta.url).pathname;
execFileSync(biome, ['format', '--write', FILE.pathname], { stdio: 'inherit' });
process.stdout.write(`wrote ${FILE.pathname}\n`);
