import { type AnyPgDatabase, executeRows } from '@multidb/config';
import { eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DualWriter, dualWriterOf, withBackup } from '../../src/index.js';
import type { Pair } from './pair.js';
import {
  jsModesTable,
  VALUE_DDL,
  VALUE_TRUNCATE,
  type ValueTable,
  VF_SCHEMA,
  valueSchema,
  valueTables,
} from './value-catalogue.js';

/**
 * Value fidelity: whatever the primary stored, the backup holds the same value. fast-check generates SQL literal
 * TEXT per column type (value-literals.ts); rows are written through the wrapper with server-side casts
 * (`$1::float8`, a parameter, never SQL text), by plain and multi-row inserts (with and without `returning`),
 * `update … set`, `insert … on conflict do update`, deletes and transactions. After `flush()` both databases are
 * fingerprinted by the same SQL (`col::text` under fixed output settings) and every column of every row compared.
 *
 * Reproduce a failure with the seed printed in it: `FC_SEED=<seed> FC_PATH=<path>`; `FC_SHRINK=1` lets fast-check
 * shrink the counterexample (slow: every attempt is a round of writes).
 */

const SEED =
  process.env.FC_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FC_SEED);
const PATH = process.env.FC_PATH;
const SHRINK = process.env.FC_SHRINK === '1';

/** Output settings of the fingerprint (local to its transaction): exact floats, ISO dates, UTC, hex bytes. */
const OUTPUT_SETTINGS = sql`select set_config('DateStyle', 'ISO, YMD', true), set_config('TimeZone', 'UTC', true),
  set_config('extra_float_digits', '3', true), set_config('IntervalStyle', 'postgres', true),
  set_config('bytea_output', 'hex', true)`;

type Literals = Record<string, string | null>;

/**
 * Output settings a caller's transaction may change (`set local`), one per run so that a failure names its cause:
 * each prints the same data differently (DMY dates, other interval styles, 15 or 2 significant digits for
 * floats, escaped bytes, a +05:45 or -03:30 zone). The backup must receive the values, not one session's
 * rendering of them.
 */
const sessionSetting = fc.constantFrom<readonly [string, string]>(
  ['DateStyle', 'SQL, DMY'],
  ['DateStyle', 'German'],
  ['DateStyle', 'Postgres, YMD'],
  ['DateStyle', 'ISO, DMY'],
  ['IntervalStyle', 'sql_standard'],
  ['IntervalStyle', 'iso_8601'],
  ['IntervalStyle', 'postgres_verbose'],
  ['extra_float_digits', '0'],
  ['extra_float_digits', '-15'],
  ['bytea_output', 'escape'],
  ['TimeZone', 'Asia/Kathmandu'],
  ['TimeZone', 'America/St_Johns'],
);
type Db = AnyPgDatabase;

export interface ValueFidelityOptions {
  /** fast-check runs per property (each run is one reset, a batch of writes, a flush and a comparison). */
  readonly numRuns: number;
  /** Rows generated per run (upper bound). */
  readonly maxRows: number;
}

export function describeValueFidelity(
  label: string,
  open: () => Promise<Pair>,
  options: ValueFidelityOptions = { numRuns: 15, maxRows: 6 },
): void {
  describe(`${label}: the backup holds every value exactly as the primary stored it`, () => {
    let pair: Pair;
    beforeAll(async () => {
      pair = await open();
      await pair.primary.exec(VALUE_DDL);
      await pair.backup.exec(VALUE_DDL);
      console.info(`value-fidelity (${label}): fast-check seed ${SEED} (replay with FC_SEED=${SEED})`);
    });
    afterAll(async () => {
      await pair?.close();
    });

    for (const mode of ['memory', 'durable'] as const) {
      describe(`${mode} mode`, () => {
        let db: Db;
        let writer: DualWriter;
        beforeAll(() => {
          db =
            mode === 'memory'
              ? withBackup(pair.primary.db, {
                  backup: pair.backup.db,
                  schema: valueSchema,
                  retryDelaysMs: [5, 5],
                })
              : withBackup(pair.primary.db, {
                  backup: pair.backup.db,
                  primary: pair.primary.db,
                  mode: 'durable',
                  schema: valueSchema,
                  retryDelaysMs: [5, 5],
                  drainer: { pollIntervalMs: 20 },
                });
          writer = dualWriterOf(db) as DualWriter;
        });
        afterAll(async () => {
          await writer?.drain(30_000);
        });

        // Found by the settings property: the rows of a transaction that lowered extra_float_digits were applied
        // after flush() had resolved true (about every other time on PGlite), then showed up in the next test.
        it('flush() waits for a transaction that ran with extra_float_digits = -15 (10 times)', async () => {
          const late: string[] = [];
          for (let round = 1; round <= 10; round++) {
            await begin(pair, writer, mode);
            await db.transaction(async (tx) => {
              await tx.execute(sql`select set_config('extra_float_digits', '-15', true)`);
              await tx.insert(jsModesTable.table).values({ id: 1 } as never);
              await tx.insert(jsModesTable.table).values([{ id: 2 }, { id: 3 }] as never);
            });
            const flushed = await writer.flush(30_000);
            const [row] = await executeRows<{ n: number }>(
              pair.backup.db,
              sql`select count(*)::int as n from ${sql.identifier(VF_SCHEMA)}.${sql.identifier(jsModesTable.name)}`,
            );
            if (!flushed || row?.n !== 3)
              late.push(`round ${round}: flush() = ${flushed}, backup rows ${row?.n}`);
          }
          expect(late, `${mode} mode: rows on the backup right after flush() (3 expected)`).toEqual([]);
        });

        for (const table of valueTables) {
          const insertStyles = table.readable
            ? (['alone', 'batched', 'returningId', 'returningAll'] as const)
            : (['alone', 'batched', 'returningId'] as const);
          it(`"${table.name}": inserts (single, multi-row, with and without returning)`, async () => {
            await check(
              fc.array(fc.tuple(rowOf(table), fc.constantFrom(...insertStyles)), {
                minLength: 1,
                maxLength: options.maxRows,
              }),
              async (rows) => {
                const run = await begin(pair, writer, mode);
                const written = new Map<number, Literals>();
                const idColumn = getTableColumns(table.table).id as PgColumn;
                let batch: number[] = [];
                const insertBatch = async () => {
                  if (batch.length === 0) return;
                  const ids = batch;
                  batch = [];
                  await attempt(mode, `multi-row insert of ids ${ids.join(', ')}`, () =>
                    db
                      .insert(table.table)
                      .values(ids.map((id) => valuesOf(table, id, written.get(id) as Literals)) as never),
                  );
                };
                for (const [index, [literals, how]] of rows.entries()) {
                  const id = index + 1;
                  written.set(id, literals);
                  const insert = () => db.insert(table.table).values(valuesOf(table, id, literals) as never);
                  if (how === 'batched') batch.push(id);
                  else if (how === 'alone') await attempt(mode, `insert of id ${id}`, insert);
                  else if (how === 'returningId')
                    await attempt(mode, `insert of id ${id} returning id`, () =>
                      insert().returning({ id: idColumn }),
                    );
                  else
                    await attempt(mode, `insert of id ${id} returning the row`, () => insert().returning());
                }
                await insertBatch();
                await run.expectSame(table, written);
              },
              options.numRuns,
            );
          });

          it(`"${table.name}": writes in a transaction with other output settings (DateStyle, floats, …)`, async () => {
            await check(
              fc.record({
                setting: sessionSetting,
                rows: fc.array(rowOf(table), { minLength: 1, maxLength: options.maxRows }),
              }),
              async ({ setting: [name, value], rows }) => {
                const run = await begin(pair, writer, mode);
                const written = new Map(rows.map((literals, i) => [i + 1, literals] as const));
                const shown = `${name} = '${value}'`;
                await attempt(mode, `transaction with set local ${shown}`, () =>
                  db.transaction(async (tx) => {
                    await tx.execute(sql`select set_config(${name}, ${value}, true)`);
                    const [first, ...others] = rows.map((literals, i) => valuesOf(table, i + 1, literals));
                    await tx.insert(table.table).values(first as never);
                    if (others.length > 0) await tx.insert(table.table).values(others as never);
                  }),
                );
                await run.expectSame(table, written, `rows written under set local ${shown}`);
              },
              options.numRuns,
            );
          });

          it(`"${table.name}": update … set, insert … on conflict do update, deletes, transactions`, async () => {
            const step = fc.record({
              kind: fc.constantFrom(
                'update',
                'upsertExisting',
                'upsertNew',
                'delete',
                'reinsertInTx',
                'updateInTx',
              ),
              target: fc.nat(),
              literals: rowOf(table),
              columns: fc.subarray(
                table.columns.map((c) => c.key),
                { minLength: 1 },
              ),
            });
            await check(
              fc.record({
                initial: fc.array(rowOf(table), {
                  minLength: 1,
                  maxLength: Math.max(1, options.maxRows - 2),
                }),
                steps: fc.array(step, { minLength: 1, maxLength: options.maxRows }),
              }),
              async ({ initial, steps }) => {
                const run = await begin(pair, writer, mode);
                const written = new Map<number, Literals>();
                initial.forEach((literals, i) => {
                  written.set(i + 1, literals);
                });
                await attempt(mode, 'multi-row insert of the initial rows', () =>
                  db
                    .insert(table.table)
                    .values(initial.map((literals, i) => valuesOf(table, i + 1, literals)) as never),
                );
                let nextId = initial.length + 1;
                const idColumn = getTableColumns(table.table).id as PgColumn;
                const excluded = Object.fromEntries(
                  table.columns.map((c) => [c.key, sql`excluded.${sql.identifier(c.name)}`]),
                );
                const upsert = (target: Db, id: number, literals: Literals) =>
                  target
                    .insert(table.table)
                    .values(valuesOf(table, id, literals) as never)
                    .onConflictDoUpdate({ target: idColumn, set: excluded as never })
                    .returning({ id: idColumn });
                const update = (target: Db, id: number, literals: Literals, keys: readonly string[]) =>
                  target
                    .update(table.table)
                    .set(setOf(table, literals, keys) as never)
                    .where(eq(idColumn, id));
                for (const s of steps) {
                  const live = [...written.keys()];
                  const id = live.length === 0 ? undefined : (live[s.target % live.length] as number);
                  const kind = id === undefined ? 'upsertNew' : s.kind;
                  if (kind === 'upsertNew' || id === undefined) {
                    const fresh = nextId++;
                    await attempt(mode, `upsert of new id ${fresh}`, () => upsert(db, fresh, s.literals));
                    written.set(fresh, s.literals);
                  } else if (kind === 'update') {
                    await attempt(mode, `update of id ${id}`, () => update(db, id, s.literals, s.columns));
                    written.set(id, { ...written.get(id), ...pick(s.literals, s.columns) });
                  } else if (kind === 'upsertExisting') {
                    await attempt(mode, `upsert of existing id ${id}`, () => upsert(db, id, s.literals));
                    written.set(id, s.literals);
                  } else if (kind === 'delete') {
                    await attempt(mode, `delete of id ${id}`, () =>
                      db.delete(table.table).where(eq(idColumn, id)),
                    );
                    written.delete(id);
                  } else if (kind === 'reinsertInTx') {
                    await attempt(mode, `transaction deleting and re-inserting id ${id}`, () =>
                      db.transaction(async (tx) => {
                        await tx.delete(table.table).where(eq(idColumn, id));
                        await tx.insert(table.table).values(valuesOf(table, id, s.literals) as never);
                      }),
                    );
                    written.set(id, s.literals);
                  } else {
                    const fresh = nextId++;
                    await attempt(mode, `transaction updating id ${id} and inserting id ${fresh}`, () =>
                      db.transaction(async (tx) => {
                        await update(tx, id, s.literals, s.columns);
                        await tx.insert(table.table).values(valuesOf(table, fresh, s.literals) as never);
                      }),
                    );
                    written.set(id, { ...written.get(id), ...pick(s.literals, s.columns) });
                    written.set(fresh, s.literals);
                  }
                }
                await run.expectSame(table, written);
              },
              options.numRuns,
            );
          });
        }
      });
    }
  });
}

/** A write through the wrapper; if it throws, the error says which write, in which mode. */
async function attempt(mode: string, what: string, write: () => PromiseLike<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    // Drizzle's message is the failed statement and its parameters; the reason is its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`${mode} mode: the wrapped ${what} threw (the caller's write failed): ${tail(message)}`);
  }
}

/** One generated row: a literal (or NULL, about one in nine) per column. */
function rowOf(table: ValueTable): fc.Arbitrary<Literals> {
  return fc.record(
    Object.fromEntries(table.columns.map((c) => [c.key, fc.option(c.literal, { freq: 8 })])),
  ) as fc.Arbitrary<Literals>;
}

/** Drizzle values for one row: each literal a parameter cast by the server to the column's type. */
function valuesOf(table: ValueTable, id: number, literals: Literals): Record<string, SQL | number | null> {
  return {
    id,
    ...setOf(
      table,
      literals,
      table.columns.map((c) => c.key),
    ),
  };
}

function setOf(table: ValueTable, literals: Literals, keys: readonly string[]): Record<string, SQL | null> {
  const wanted = new Set(keys);
  const out: Record<string, SQL | null> = {};
  for (const c of table.columns) {
    if (!wanted.has(c.key)) continue;
    const literal = literals[c.key] ?? null;
    // Typed as text, then cast: every driver sends the literal as text, the server parses it with the type input.
    out[c.key] = literal === null ? null : sql`${literal}::text::${sql.raw(c.type)}`;
  }
  return out;
}

const pick = (literals: Literals, keys: readonly string[]): Literals =>
  Object.fromEntries(keys.map((k) => [k, literals[k] ?? null]));

/** Runs a property with explicit runs and a reproducible seed; fails with the property's own message. */
async function check<T>(arbitrary: fc.Arbitrary<T>, body: (value: T) => Promise<void>, numRuns: number) {
  const details = await fc.check(fc.asyncProperty(arbitrary, body), {
    numRuns,
    seed: SEED,
    ...(PATH === undefined ? {} : { path: PATH }),
    endOnFailure: !SHRINK,
  });
  if (!details.failed) return;
  const cause =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `${cause}\n\nfast-check: failed at run ${details.numRuns} of ${numRuns}, seed ${details.seed}, path "${details.counterexamplePath}"` +
      ` (replay: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath})`,
  );
}

interface Run {
  expectSame(table: ValueTable, written: ReadonlyMap<number, Literals>, context?: string): Promise<void>;
}

/** Empties the value tables on both sides (and the outbox tables), for one property run. */
async function begin(pair: Pair, writer: DualWriter, mode: 'memory' | 'durable'): Promise<Run> {
  await pair.primary.exec(
    `${VALUE_TRUNCATE} truncate multidb.dual_write_outbox, multidb.dual_write_dead_letter;`,
  );
  await pair.backup.exec(VALUE_TRUNCATE);
  const lettersBefore = writer.deadLetters().length;
  return {
    async expectSame(table, written, context) {
      if (!(await writer.flush(30_000))) throw new Error(`${mode} mode: flush() timed out after 30 s`);
      const [onPrimary, onBackup] = [
        await fingerprint(pair.primary.db, table),
        await fingerprint(pair.backup.db, table),
      ];
      const problems = compare(table, onPrimary, onBackup, written);
      if (problems.length === 0) return;
      // Diagnosis, not a retry: the run has failed either way. Did flush() return before the rows were applied?
      let later = problems;
      if (await writer.flush(30_000)) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        later = compare(table, onPrimary, await fingerprint(pair.backup.db, table), written);
      }
      const note =
        later.length === 0
          ? [
              '  NOTE: after a second flush() the backup matched: the first flush() returned before the rows were applied',
            ]
          : [];
      const metrics = JSON.stringify(writer.metrics());
      const letters =
        mode === 'memory'
          ? writer
              .deadLetters()
              .slice(lettersBefore)
              .map((d) => `${d.keys.join(' ')}: ${tail(d.error)}`)
          : (
              await executeRows<{ keys: string; error: string }>(
                pair.primary.db,
                sql`select entity_keys::text as keys, error from multidb.dual_write_dead_letter order by id`,
              )
            ).map((d) => `${d.keys}: ${tail(d.error)}`);
      throw new Error(
        [
          `${mode} mode: the backup differs from the primary in "${VF_SCHEMA}"."${table.name}"${context === undefined ? '' : ` (${context})`}:`,
          ...problems,
          ...note,
          `writer metrics: ${metrics}`,
          ...(letters.length === 0 ? [] : ['dead letters:', ...letters.slice(0, 10).map((l) => `  ${l}`)]),
        ].join('\n'),
      );
    },
  };
}

/** The end of a backup error (its reason; the failed statement and its parameters come before it). */
const tail = (error: string) => (error.length > 300 ? `…${error.slice(-300)}` : error);

type Fingerprint = Map<string, (string | null)[]>;

/** `id → [col::text, …]`, computed by the server under fixed output settings (same SQL on both sides). */
async function fingerprint(db: Db, table: ValueTable): Promise<Fingerprint> {
  const columns = sql.join(
    table.columns.map((c, i) => sql`${sql.identifier(c.name)}::text as ${sql.identifier(`c${i}`)}`),
    sql`, `,
  );
  const rows = await db.transaction(async (tx) => {
    await tx.execute(OUTPUT_SETTINGS);
    return executeRows<Record<string, string | null>>(
      tx,
      sql`select id::text as id, ${columns} from ${sql.identifier(VF_SCHEMA)}.${sql.identifier(table.name)} order by id`,
    );
  });
  return new Map(rows.map((r) => [String(r.id), table.columns.map((_, i) => r[`c${i}`] ?? null)]));
}

const show = (text: string | null | undefined) =>
  text === null || text === undefined ? 'NULL' : JSON.stringify(text);

/** One line per differing column (with up to three example rows), then missing and extra rows. */
function compare(
  table: ValueTable,
  primary: Fingerprint,
  backup: Fingerprint,
  written: ReadonlyMap<number, Literals>,
): string[] {
  const problems: string[] = [];
  const missing = [...primary.keys()].filter((id) => !backup.has(id));
  const extra = [...backup.keys()].filter((id) => !primary.has(id));
  table.columns.forEach((c, i) => {
    const examples: string[] = [];
    let count = 0;
    for (const [id, values] of primary) {
      const other = backup.get(id);
      if (other === undefined || other[i] === values[i]) continue;
      count++;
      if (examples.length < 3) {
        const literal = written.get(Number(id))?.[c.key];
        examples.push(
          `    id=${id}: primary ${show(values[i])}, backup ${show(other[i])} (literal written: ${show(literal)})`,
        );
      }
    }
    if (count > 0)
      problems.push(
        `  column "${c.name}" (${c.type}): ${count} of ${primary.size} row(s) differ`,
        ...examples,
      );
  });
  if (missing.length > 0) problems.push(`  rows missing on the backup: id ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`  rows on the backup only: id ${extra.join(', ')}`);
  return problems;
}
