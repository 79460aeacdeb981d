import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint, type SqlEndpoint } from '../src/index.js';
import { MATVIEW_DDL, MATVIEW_SEED } from './support/matview-schema.js';
import { type PgPair, startPgPair } from './support/pg-pair.js';
import { runCli } from './support/run-cli.js';

let pair: PgPair;
let source: SqlEndpoint;
let target: SqlEndpoint;

beforeAll(async () => {
  pair = await startPgPair('Marker-Pw-m4tv13w');
  source = await resolveEndpoint(pair.primary, 'source');
  target = await resolveEndpoint(pair.backup, 'target');
  await Promise.all([pair.primary.exec(MATVIEW_DDL('source')), pair.backup.exec(MATVIEW_DDL('target'))]);
  await pair.primary.exec(`${MATVIEW_SEED} DROP MATERIALIZED VIEW mv.broken;`);
  await pair.backup.exec('DROP MATERIALIZED VIEW mv.broken');
});
afterAll(async () => {
  await pair?.stop();
});

const top = async (endpoint: SqlEndpoint) =>
  (await endpoint.rows<{ r: string }>('SELECT (t.*)::text AS r FROM mv.a_top AS t'))[0]?.r;

describe('materialized views after a sync on real PostgreSQL', () => {
  it('--skip-matviews leaves them; a plain sync refreshes them in dependency order and exits 0', async () => {
    const skipped = await runCli('sync-backup.ts', [...pair.urlFlags, '--json', '--skip-matviews']);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout).materializedViews).toEqual([]);
    expect(await top(target)).toBe('(0,0,0)');

    const synced = await runCli('sync-backup.ts', [...pair.urlFlags, '--json']);
    expect(synced.code, synced.stderr).toBe(0);
    const report = JSON.parse(synced.stdout) as { materializedViews: { view: string; status: string }[] };
    expect(report.materializedViews.map((v) => `${v.view}:${v.status}`)).toEqual([
      'mv.z_totals:refreshed',
      'mv.a_top:refreshed',
      'mv.lazy:skipped',
    ]);
    expect(await top(target)).toBe('(10,55,110)');
    expect(await top(target)).toBe(await top(source));
    const human = await runCli('sync-backup.ts', pair.urlFlags);
    expect(human.stdout).toMatch(/materialized view mv\.a_top: refreshed/);
  });
});
