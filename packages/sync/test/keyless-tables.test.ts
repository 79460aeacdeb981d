import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, resolveEndpoint, type SqlEndpoint, syncBackup } from '../src/index.js';
import { createPglitePair, type PglitePair } from './support/pglite-pair.js';
import { tableSnapshot } from './support/table-snapshot.js';

let dbs: PglitePair;
let source: SqlEndpoint;
let target: SqlEndpoint;

const TABLE = `"key less""; --"."Ro ws"`;
const DDL = `DROP SCHEMA IF EXISTS "key less""; --" CASCADE; CREATE SCHEMA "key less""; --";
  CREATE TABLE ${TABLE} (n int, label text, doc jsonb, tags text[]);`;

beforeAll(async () => {
  dbs = await createPglitePair();
  source = await resolveEndpoint(dbs.source, 'source');
  target = await resolveEndpoint(dbs.target, 'target');
});
afterAll(async () => {
  await dbs?.close();
});

type Row = readonly [number | null, string | null, unknown, readonly string[] | null];

// A small domain, so equal rows (duplicates) are common.
const row: fc.Arbitrary<Row> = fc.tuple(
  fc.option(fc.integer({ min: -2, max: 2 }), { nil: null }),
  fc.option(fc.constantFrom('a', 'b', '', 'tab\there', "quo'te", 'nul\\N', 'ü'), { nil: null }),
  fc.option(fc.constantFrom<unknown>({}, { x: 1 }, { x: 1.5 }, [1, 2], 'str'), { nil: null }),
  fc.option(fc.array(fc.constantFrom('p', 'q,r', '', 'NULL'), { maxLength: 2 }), { nil: null }),
);

async function load(endpoint: SqlEndpoint, rows: readonly Row[]): Promise<void> {
  await endpoint.rows(`DELETE FROM ${TABLE}`);
  if (rows.length === 0) return;
  await endpoint.rows(
    `INSERT INTO ${TABLE} SELECT (r->>0)::int, r->>1, (r->>2)::jsonb,
       CASE WHEN json_typeof(r->3) = 'array' THEN ARRAY(SELECT json_array_elements_text(r->3)) END
     FROM json_array_elements($1::json) AS r`,
    [
      JSON.stringify(
        rows.map(([n, label, doc, tags]) => [n, label, doc === null ? null : JSON.stringify(doc), tags]),
      ),
    ],
  );
}

/**
 * The target's rows: equal to the source's as a multiset (in another order), or one of them dropped, doubled,
 * changed or replaced by a copy of another.
 */
const targetOf = (rows: readonly Row[]) =>
  fc
    .tuple(fc.constantFrom('same', 'drop', 'double', 'change', 'swap'), fc.nat(), fc.nat())
    .map(([how, at, seed]) => {
      // Another order: rotated by `seed`, reversed when odd.
      const rotated = rows.map((_, j) => rows[(j + seed) % rows.length] as Row);
      const shuffled = seed % 2 === 1 ? rotated.reverse() : rotated;
      if (rows.length === 0 || how === 'same') return { rows: shuffled, equal: true };
      const i = at % shuffled.length;
      const picked = shuffled[i] as Row;
      if (how === 'drop') return { rows: shuffled.filter((_, j) => j !== i), equal: false };
      if (how === 'double') return { rows: [...shuffled, picked], equal: false };
      if (how === 'swap') {
        // Same count, another multiset: one row replaced by a copy of another (unless they were equal).
        const other = shuffled[seed % shuffled.length] as Row;
        const equal = JSON.stringify(other) === JSON.stringify(picked);
        return { rows: shuffled.map((r, j) => (j === i ? other : r)), equal };
      }
      const changed: Row = [picked[0] === 99 ? 98 : 99, picked[1], picked[2], picked[3]];
      return { rows: shuffled.map((r, j) => (j === i ? changed : r)), equal: false };
    });

const drift = (repair = false) =>
  checkDrift({
    source: dbs.source,
    target: dbs.target,
    tables: [TABLE],
    recheckDelayMs: 0,
    repair,
  });

describe('tables without a key (PGlite)', () => {
  it('drift tells equal multisets of rows from unequal ones, duplicates counted; sync and repair make them equal', async () => {
    await Promise.all([dbs.source.exec(DDL), dbs.target.exec(DDL)]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 12 }).chain((rows) => fc.tuple(fc.constant(rows), targetOf(rows))),
        fc.boolean(),
        async ([rows, other], viaRepair) => {
          await load(source, rows);
          await load(target, other.rows);
          const before = (await drift())._unsafeUnwrap();
          const table = before.tables[0];
          expect(table?.comparison).toBe('whole-table');
          expect(table?.status).toBe(other.equal ? 'clean' : 'drift');
          if (viaRepair) {
            const repaired = (await drift(true))._unsafeUnwrap();
            expect(repaired.clean).toBe(true);
            if (!other.equal)
              expect(repaired.tables[0]?.repair).toMatchObject({ replaced: true, verified: true });
          } else {
            const report = (
              await syncBackup({ source: dbs.source, target: dbs.target, tables: [TABLE], batchSize: 5 })
            )._unsafeUnwrap();
            expect(report.ok).toBe(true);
            expect(report.tables[0]).toMatchObject({
              handling: 'whole-table',
              status: 'copied',
              rowsWritten: other.equal ? 0 : rows.length,
            });
          }
          expect(await tableSnapshot(target, TABLE)).toEqual(await tableSnapshot(source, TABLE));
          expect((await drift())._unsafeUnwrap().clean).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('repair leaves a table above maxReplaceRows alone and says so', async () => {
    await Promise.all([dbs.source.exec(DDL), dbs.target.exec(DDL)]);
    await load(source, [
      [1, 'a', null, null],
      [1, 'a', null, null],
      [2, 'b', null, null],
    ]);
    await load(target, [[1, 'a', null, null]]);
    const report = (
      await checkDrift({
        source: dbs.source,
        target: dbs.target,
        recheckDelayMs: 0,
        repair: true,
        maxReplaceRows: 2,
      })
    )._unsafeUnwrap();
    const table = report.tables.find((t) => t.comparison === 'whole-table');
    expect(table?.repair).toMatchObject({ replaced: false, verified: false });
    expect(table?.repair?.error).toMatch(/3 rows on the source, more than maxReplaceRows \(2\)/);
    expect(report.clean).toBe(false);
    expect(await tableSnapshot(target, TABLE)).toEqual(['(1,a,,)']);
    expect(
      (await checkDrift({ source: dbs.source, target: dbs.target, maxReplaceRows: -1 }))._unsafeUnwrapErr(),
    ).toMatchObject({ type: 'InvalidOptions', message: expect.stringMatching(/maxReplaceRows/) });
  });

  it('empties with DELETE when the role may not TRUNCATE, still in one transaction', async () => {
    await Promise.all([dbs.source.exec(DDL), dbs.target.exec(DDL)]);
    await load(source, [
      [1, 'a', null, null],
      [1, 'a', null, null],
    ]);
    await load(target, [[2, 'b', null, null]]);
    await dbs.target.exec(`DROP ROLE IF EXISTS no_truncate; CREATE ROLE no_truncate;
      GRANT USAGE ON SCHEMA "key less""; --" TO no_truncate;
      GRANT SELECT, INSERT, DELETE ON ${TABLE} TO no_truncate;
      CREATE SCHEMA IF NOT EXISTS multidb_sync; GRANT USAGE ON SCHEMA multidb_sync TO no_truncate;
      CREATE TABLE IF NOT EXISTS multidb_sync.checkpoint (table_id text NOT NULL, lane int NOT NULL,
        key_columns jsonb NOT NULL, lane_lower jsonb, lane_upper jsonb, last_key jsonb,
        rows_copied bigint NOT NULL DEFAULT 0, done boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (table_id, lane));
      GRANT ALL ON multidb_sync.checkpoint TO no_truncate; SET ROLE no_truncate;`);
    try {
      const report = (
        await syncBackup({ source: dbs.source, target: dbs.target, tables: [TABLE] })
      )._unsafeUnwrap();
      expect(report.tables[0]).toMatchObject({ status: 'copied', handling: 'whole-table', rowsWritten: 2 });
    } finally {
      await dbs.target.exec('RESET ROLE; DROP OWNED BY no_truncate; DROP ROLE no_truncate;');
    }
    expect(await tableSnapshot(target, TABLE)).toEqual(['(1,a,,)', '(1,a,,)']);
  });
});
