import { type AnyPgDatabase, quoteIdentifier, quoteLiteral } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { ColumnMeta, TableMeta } from '../table-meta.js';
import type { BackupTarget, ChangeUnit, Step } from './change.js';
import { TrackedApplyFailure } from './commit-doubt.js';
import { mayHaveCommitted } from './error-kind.js';
import { runReusable } from './run-query.js';

export interface JsonRowsTargetOptions {
  /** `statement_timeout` and `lock_timeout` of each backup transaction, in ms (0 = the server's default). */
  readonly statementTimeoutMs?: number;
  /**
   * Runs first in every backup transaction, with the units being applied (durable mode's epoch fence and ledger of
   * applied units); forces a transaction.
   */
  readonly beforeApply?: (tx: AnyPgDatabase, units: readonly ChangeUnit<string>[]) => Promise<void>;
  /**
   * Memory mode: every batch is a transaction that first takes its backup transaction id, and a failure that may
   * have struck after COMMIT was sent is a `TrackedApplyFailure` carrying it (see `commit-doubt.ts`), so whether
   * it committed can be asked of the backup instead of guessed; one that struck before carries none (it cannot
   * have committed: a frozen connection mid-transaction is retried on another at once, as before).
   */
  readonly trackOutcome?: boolean;
}

// Bounds of one backup statement: rows, and characters of its one parameter (PostgreSQL's limit is 1 GB; a few
// MB keep the backup's memory per statement small while amortising the round trip).
const ROWS_PER_STATEMENT = 1000;
const CHARS_PER_STATEMENT = 4 * 1024 * 1024;

/**
 * Applies rows that are JSON objects of exact column texts (see `capture/row-text.ts`), in both modes: each
 * statement carries one parameter, a JSON array of rows, and the backup turns every text back into its column's
 * type with the type's own input function (`jsonb_populate_recordset`; `json`/`jsonb` columns are cast from their
 * text, which populate would otherwise take as a JSON string). Upserts by primary key with `excluded.*`
 * (identity columns with `OVERRIDING SYSTEM VALUE`, generated columns left to the backup); deletes join the
 * rows by key, so a statement of any size stays flat (no `(k1, k2) in ((…), …)` expression to overflow the
 * backup's stack). Steps are split by rows and by size.
 */
export function jsonRowsTarget(
  backup: AnyPgDatabase,
  options: JsonRowsTargetOptions = {},
): BackupTarget<string> {
  const timeoutMs = options.statementTimeoutMs ?? 0;
  return {
    async apply(steps, deadline, units = []) {
      const queries: { text: string; param: string }[] = [];
      for (const step of steps) {
        const text = statementFor(step);
        for (const chunk of chunks(step.rows)) queries.push({ text, param: `[${chunk.join(',')}]` });
      }
      const run = (db: AnyPgDatabase, query: { text: string; param: string }) => {
        const at = query.text.indexOf(ROWS);
        const head = sql.raw(query.text.slice(0, at));
        return runReusable(
          db,
          sql`${head}${query.param}${sql.raw(query.text.slice(at + ROWS.length))}`,
          backup,
        );
      };
      // One statement is atomic by itself: no BEGIN/COMMIT round trips, unless a deadline must be able to stop it
      // from committing late, or a fence must run first.
      if (
        queries.length === 1 &&
        timeoutMs <= 0 &&
        deadline === undefined &&
        options.beforeApply === undefined &&
        !options.trackOutcome
      ) {
        await run(backup, queries[0] as { text: string; param: string });
        return;
      }
      let committing: string | undefined;
      if (options.trackOutcome) deadline?.track?.(undefined);
      try {
        await backup.transaction(async (tx) => {
          const xid = options.trackOutcome
            ? String(
                (await runReusable<{ xid: string }>(tx, sql`select txid_current()::text as xid`, backup))[0]
                  ?.xid,
              )
            : undefined;
          await setLocalTimeouts(tx, timeoutMs);
          await options.beforeApply?.(tx, units);
          for (const query of queries) {
            deadline?.check();
            await run(tx, query);
          }
          deadline?.check();
          // COMMIT goes out when this returns: only from now on can a failure hide a commit.
          committing = xid;
          deadline?.track?.(xid);
        });
      } catch (error) {
        if (options.trackOutcome && mayHaveCommitted(error)) throw new TrackedApplyFailure(committing, error);
        throw error;
      }
    },
  };
}

export async function setLocalTimeouts(tx: AnyPgDatabase, timeoutMs: number | undefined): Promise<void> {
  if (timeoutMs === undefined || timeoutMs <= 0) return;
  const ms = String(Math.floor(timeoutMs));
  await tx.execute(
    sql`select set_config('statement_timeout', ${ms}, true), set_config('lock_timeout', ${ms}, true)`,
  );
}

/** Consecutive slices of at most ROWS_PER_STATEMENT rows and (unless one row is bigger) CHARS_PER_STATEMENT. */
function* chunks(rows: readonly string[]): Generator<readonly string[]> {
  let start = 0;
  while (start < rows.length) {
    let end = start;
    let size = 0;
    while (end < rows.length && end - start < ROWS_PER_STATEMENT) {
      const next = (rows[end] as string).length + 1;
      if (end > start && size + next > CHARS_PER_STATEMENT) break;
      size += next;
      end++;
    }
    yield rows.slice(start, end);
    start = end;
  }
}

// The statement text of a step, with ROWS where the JSON parameter goes (once), cached per table and operation.
const ROWS = '$rows';
const texts = new WeakMap<TableMeta, { upsert: string; delete: string }>();

function statementFor(step: Step<string>): string {
  let cached = texts.get(step.table);
  if (cached === undefined) {
    cached = { upsert: upsertText(step.table), delete: deleteText(step.table) };
    texts.set(step.table, cached);
  }
  return step.op === 'upsert' ? cached.upsert : cached.delete;
}

function tableName(table: TableMeta): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.tableName)}`;
}

const JSON_TYPES = new Set(['json', 'jsonb']);

function isJson(column: ColumnMeta): boolean {
  return JSON_TYPES.has(column.sqlType);
}

function upsertText(table: TableMeta): string {
  const target = tableName(table);
  const insertable = table.columns.filter((c) => c.insertable);
  const list = insertable.map((c) => quoteIdentifier(c.dbName)).join(', ');
  const jsonColumns = insertable.filter(isJson);
  const records = `jsonb_populate_recordset(null::${target}, $rows::text::jsonb)`;
  const source =
    jsonColumns.length === 0
      ? `select ${list} from ${records}`
      : `select ${insertable
          .map((c) =>
            isJson(c)
              ? `("__mdb_e"."v" ->> ${literalName(c)})::${c.sqlType}`
              : `"__mdb_r".${quoteIdentifier(c.dbName)}`,
          )
          .join(', ')} from jsonb_array_elements($rows::text::jsonb) as "__mdb_e"("v"),
          lateral jsonb_populate_record(null::${target}, "__mdb_e"."v") as "__mdb_r"`;
  const overriding = table.hasIdentityAlways ? ' overriding system value' : '';
  const key = table.primaryKey.map((c) => quoteIdentifier(c.dbName)).join(', ');
  const conflict =
    table.updatable.length === 0
      ? 'do nothing'
      : `do update set ${table.updatable
          .map((c) => `${quoteIdentifier(c.dbName)} = excluded.${quoteIdentifier(c.dbName)}`)
          .join(', ')}`;
  return `insert into ${target} (${list})${overriding} ${source} on conflict (${key}) ${conflict}`;
}

function deleteText(table: TableMeta): string {
  const target = tableName(table);
  const side = (alias: string) =>
    table.primaryKey.map((c) => `"${alias}".${quoteIdentifier(c.dbName)}`).join(', ');
  return `delete from ${target} as "__mdb_t" using jsonb_populate_recordset(null::${target}, $rows::text::jsonb) as "__mdb_d" where (${side('__mdb_t')}) = (${side('__mdb_d')})`;
}

function literalName(column: ColumnMeta): string {
  return quoteLiteral(column.dbName);
}
