import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint, type SqlEndpoint, syncBackup } from '../src/index.js';
import { MATVIEW_DDL, MATVIEW_SEED } from './support/matview-schema.js';
import { createPglitePair, type PglitePair } from './support/pglite-pair.js';

let dbs: PglitePair;
let source: SqlEndpoint;
let target: SqlEndpoint;

beforeAll(async () => {
  dbs = await createPglitePair();
  source = await resolveEndpoint(dbs.source, 'source');
  target = await resolveEndpoint(dbs.target, 'target');
  await Promise.all([dbs.source.exec(MATVIEW_DDL('source')), dbs.target.exec(MATVIEW_DDL('target'))]);
  await dbs.source.exec(MATVIEW_SEED);
});
afterAll(async () => {
  await dbs?.close();
});

const top = async (endpoint: SqlEndpoint) =>
  (await endpoint.rows<{ r: string }>('SELECT (t.*)::text AS r FROM mv.a_top AS t'))[0]?.r;

describe('materialized views after a sync (PGlite)', () => {
  it('are left alone with refreshMaterializedViews: false', async () => {
    const report = (
      await syncBackup({ source: dbs.source, target: dbs.target, refreshMaterializedViews: false })
    )._unsafeUnwrap();
    expect(report.materializedViews).toEqual([]);
    expect(report.ok).toBe(true);
    expect(await top(target)).toBe('(0,0,0)');
  });

  it('are refreshed in dependency order; unpopulated ones are skipped; a failing one is reported and makes ok false', async () => {
    await source.rows('UPDATE mv.base SET v = v + 1 WHERE id = 1');
    await source.rows('REFRESH MATERIALIZED VIEW mv.z_totals');
    await source.rows('REFRESH MATERIALIZED VIEW mv.a_top');
    const report = (await syncBackup({ source: dbs.source, target: dbs.target }))._unsafeUnwrap();
    expect(report.materializedViews.map((v) => `${v.view}:${v.status}`)).toEqual([
      'mv.z_totals:refreshed',
      'mv.a_top:refreshed',
      'mv.broken:failed',
      'mv.lazy:skipped',
    ]);
    expect(await top(target)).toBe(await top(source));
    expect(await top(target)).toBe('(10,56,112)');
    expect(report.materializedViews.find((v) => v.view === 'mv.lazy')?.reason).toBe(
      'not populated on the source',
    );
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        table: 'mv.broken',
        status: 'failed',
        reason: expect.stringMatching(/not refreshed: .*division by zero/),
      },
    ]);
    const dry = (await syncBackup({ source: dbs.source, target: dbs.target, dryRun: true }))._unsafeUnwrap();
    expect(dry.materializedViews.map((v) => v.status)).toEqual(['planned', 'planned', 'planned', 'skipped']);
  });
});
