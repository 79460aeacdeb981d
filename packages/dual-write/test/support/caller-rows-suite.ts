import { type AnyPgDatabase, drizzleLine, executeRows } from '@multidb/config';
import { eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DualWriter, dualWriterOf, withBackup } from '../../src/index.js';
import type { Pair } from './pair.js';
import {
  dateArraysTable,
  VALUE_DDL,
  VALUE_TRUNCATE,
  type ValueTable,
  VF_SCHEMA,
  valueSchema,
  valuesTable,
} from './value-catalogue.js';

// The wrapper runs every mutation itself (with extra RETURNING values for the backup) and maps the caller's part of
// each row with Drizzle's own mapping of the installed line: 0.45's `mapResultRow`; 1.0's codecs (selection casts,
// `normalize`) through `dialect.mapperGenerators.rows`, interpreted or JIT-compiled (`drizzle({ jit: true })`). So
// whatever the caller gets back from `returning()` is exactly what raw Drizzle returns for the same row, every
// type of the value catalogue; and the backup still gets the primary's own texts.

const ROWS = 6;

/** Fixed literal rows per table (a seeded sample of the catalogue's arbitraries, NULLs included). */
function literalRows(table: ValueTable): Record<string, string | null>[] {
  const row = fc.record(
    Object.fromEntries(table.columns.map((c) => [c.key, fc.option(c.literal, { freq: 6 })])),
  ) as fc.Arbitrary<Record<string, string | null>>;
  return fc.sample(row, { numRuns: ROWS, seed: 14 });
}

/** Each literal sent as text and cast by the server (as the value-fidelity suite writes). */
function valuesOf(table: ValueTable, id: number, literals: Record<string, string | null>) {
  const out: Record<string, SQL | number | null> = { id };
  for (const c of table.columns) {
    const literal = literals[c.key] ?? null;
    out[c.key] = literal === null ? null : sql`${literal}::text::${sql.raw(c.type)}`;
  }
  return out;
}

const withoutId = (row: Record<string, unknown> | undefined) => {
  const { id: _, ...rest } = row ?? {};
  return rest;
};

/** The same row type-for-type in both results (ids differ by design). */
function expectSameRows(wrapped: unknown[], raw: unknown[], what: string) {
  expect(wrapped.length, what).toBe(raw.length);
  wrapped.forEach((row, i) => {
    expect(withoutId(row as Record<string, unknown>), `${what}, row ${i}`).toEqual(
      withoutId(raw[i] as Record<string, unknown>),
    );
  });
}

/** `col::text` of every row on both sides, compared (the backup must hold the primary's values exactly). */
async function expectBackupExact(pair: Pair, table: ValueTable) {
  const texts = (db: AnyPgDatabase) =>
    executeRows(
      db,
      sql`select t.id, row_to_json(t)::text as row from (select ${sql.join(
        table.columns.map((c) => sql`${sql.identifier(c.name)}::text as ${sql.identifier(c.key)}`),
        sql`, `,
      )}, id from ${sql.identifier(VF_SCHEMA)}.${sql.identifier(table.name)} where id < 1000) t order by id`,
    );
  expect(await texts(pair.backup.db)).toEqual(await texts(pair.primary.db));
}

async function compareThrough(pair: Pair, raw: AnyPgDatabase, table: ValueTable) {
  const db = withBackup(raw, { backup: pair.backup.db, schema: valueSchema, enabled: true });
  const writer = dualWriterOf(db) as DualWriter;
  const t = table.table;
  const id = getTableColumns(t).id as PgColumn;
  const rows = literalRows(table);
  const firstKey = table.columns[0]?.key as string;
  try {
    for (const [i, literals] of rows.entries()) {
      const [w, r] = [i + 1, i + 1001];
      expectSameRows(
        await db
          .insert(t)
          .values(valuesOf(table, w, literals))
          .returning(),
        await raw
          .insert(t)
          .values(valuesOf(table, r, literals))
          .returning(),
        `insert returning() of row ${i}`,
      );
      const partial = { id, first: getTableColumns(t)[firstKey] as PgColumn, twice: sql<number>`${id} * 2` };
      const other = valuesOf(table, 0, rows[(i + 1) % rows.length] ?? literals);
      const { id: _, ...set } = other;
      expectSameRows(
        await db.update(t).set(set).where(eq(id, w)).returning(),
        await raw.update(t).set(set).where(eq(id, r)).returning(),
        `update returning() of row ${i}`,
      );
      const [wp] = await db.update(t).set(set).where(eq(id, w)).returning(partial);
      const [rp] = await raw.update(t).set(set).where(eq(id, r)).returning(partial);
      expect({ ...wp, id: 0, twice: 0 }, `partial returning of row ${i}`).toEqual({ ...rp, id: 0, twice: 0 });
      expect([wp?.twice, rp?.twice]).toEqual([w * 2, r * 2]);
    }
    const [wd] = await db.delete(t).where(eq(id, 1)).returning();
    const [rd] = await raw.delete(t).where(eq(id, 1001)).returning();
    expectSameRows([wd], [rd], 'delete returning()');
    expect(await writer.flush(10_000)).toBe(true);
    await expectBackupExact(pair, table);
    expect(writer.deadLetters()).toEqual([]);
  } finally {
    await writer.drain(10_000);
  }
}

export interface CallerRowsOptions {
  /** PGlite: also the 1.0-only checks that build their own database on the same instance (JIT, column lists). */
  readonly pglite: boolean;
}

export function describeCallerRows(
  label: string,
  open: () => Promise<Pair>,
  options: CallerRowsOptions,
): void {
  describe(label, () => {
    let pair: Pair;
    beforeAll(async () => {
      pair = await open();
      await pair.primary.exec(VALUE_DDL);
      await pair.backup.exec(VALUE_DDL);
    });
    afterAll(() => pair?.close());
    beforeEach(async () => {
      await pair.primary.exec(VALUE_TRUNCATE);
      await pair.backup.exec(VALUE_TRUNCATE);
    });

    describe(`${label}: the caller gets raw Drizzle rows through the wrapper, every type, and the backup an exact copy`, () => {
      for (const table of [valuesTable, dateArraysTable]) {
        it(`"${table.name}": insert / update / partial / delete returning()`, async () => {
          await compareThrough(pair, pair.primary.db, table);
        });
      }
    });

    describe.runIf(drizzleLine() === '1.0' && options.pglite)(
      `${label}: drizzle-orm 1.0 with JIT-compiled row mappers`,
      () => {
        for (const table of [valuesTable, dateArraysTable]) {
          it(`"${table.name}": drizzle({ jit: true }) rows are Drizzle's own (and equal the interpreted ones)`, async () => {
            const jit = drizzle({
              client: pair.primary.pglite,
              jit: true,
            } as never) as unknown as AnyPgDatabase;
            expect(
              (jit as unknown as { dialect: { mapperGenerators: { rows: { name: string } } } }).dialect
                .mapperGenerators.rows.name,
            ).toBe('makeJitQueryMapper');
            await compareThrough(pair, jit, table);
            const t = table.table;
            const [literals] = literalRows(table);
            await pair.primary.db.insert(t).values(valuesOf(table, 2001, literals ?? {}));
            const [viaJit] = await jit
              .delete(t)
              .where(eq(getTableColumns(t).id as PgColumn, 2001))
              .returning();
            await pair.primary.db.insert(t).values(valuesOf(table, 2001, literals ?? {}));
            const [interpreted] = await pair.primary.db
              .delete(t)
              .where(eq(getTableColumns(t).id as PgColumn, 2001))
              .returning();
            expect(viaJit).toEqual(interpreted);
          });
        }

        it('insert(table, ...columns) inserts only the listed columns, and the backup gets the row as stored', async () => {
          const t = valuesTable.table;
          const keys = ['id', valuesTable.columns[0]?.key as string];
          const db = withBackup(pair.primary.db, {
            backup: pair.backup.db,
            schema: valueSchema,
            enabled: true,
          });
          type Returning = { returning(): Promise<Record<string, unknown>[]> };
          const insertColumns = db.insert as unknown as (
            t: unknown,
            ...c: string[]
          ) => { values(v: unknown): Returning };
          const insert = insertColumns(t, ...keys);
          const [literals] = literalRows(valuesTable);
          const values = valuesOf(valuesTable, 7, literals ?? {});
          const [row] = await insert.values(values).returning();
          expect(Object.entries(row ?? {}).filter(([k, v]) => !keys.includes(k) && v !== null)).toEqual([]);
          const writer = dualWriterOf(db) as DualWriter;
          expect(await writer.flush(10_000)).toBe(true);
          await expectBackupExact(pair, valuesTable);
          await writer.drain(10_000);
        });
      },
    );
  });
}
