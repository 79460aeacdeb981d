import type { AnyPgDatabase } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { ColumnMeta, TableMeta } from '../table-meta.js';
import type { BackupTarget } from './change.js';
import { encodeForBackup } from './verbatim.js';

export type Row = Record<string, unknown>;

export interface TargetOptions {
  /** `statement_timeout` and `lock_timeout` of each backup transaction, in ms (0 = the server's default). */
  readonly statementTimeoutMs?: number;
}

// PostgreSQL accepts at most 65535 parameters per statement.
const MAX_PARAMETERS = 60_000;

/**
 * Memory mode: rows are Drizzle values taken from the primary's `returning`. Each value is encoded by its own
 * column (`mapToDriverValue`, exactly as Drizzle's insert would), but the statement text is assembled here once
 * per table instead of through Drizzle's general SQL builder, whose per-row cost would otherwise compete with the
 * application's own queries. Upserts by primary key with `excluded.*` (identity columns with
 * `OVERRIDING SYSTEM VALUE`, generated columns left to the backup), deletes by key.
 */
export function drizzleTarget(backup: AnyPgDatabase, options: TargetOptions = {}): BackupTarget<Row> {
  const timeoutMs = options.statementTimeoutMs ?? 0;
  return {
    async apply(steps, deadline) {
      const queries: Query[] = [];
      for (const step of steps) {
        const statement = statementsFor(step.table);
        const columns = step.op === 'upsert' ? statement.insertColumns : step.table.primaryKey;
        const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length)));
        for (let start = 0; start < step.rows.length; start += perStatement) {
          const rows = step.rows.slice(start, start + perStatement);
          queries.push(step.op === 'upsert' ? statement.upsert(rows) : statement.delete(rows));
        }
      }
      const run = (db: AnyPgDatabase, query: Query) =>
        db._.session.prepareQuery(query, undefined, undefined, false).execute();
      // One statement is atomic by itself: no BEGIN/COMMIT round trips, unless a deadline must be able to
      // stop it from committing late.
      if (queries.length === 1 && timeoutMs <= 0 && deadline === undefined) {
        await run(backup, queries[0] as Query);
        return;
      }
      await backup.transaction(async (tx) => {
        await setLocalTimeouts(tx, timeoutMs);
        for (const query of queries) {
          deadline?.check();
          await run(tx, query);
        }
        deadline?.check();
      });
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

interface Query {
  readonly sql: string;
  readonly params: unknown[];
}

interface TableStatements {
  readonly insertColumns: readonly ColumnMeta[];
  upsert(rows: readonly Row[]): Query;
  delete(rows: readonly Row[]): Query;
}

const statements = new WeakMap<TableMeta, TableStatements>();

function statementsFor(table: TableMeta): TableStatements {
  let cached = statements.get(table);
  if (cached === undefined) {
    cached = buildStatements(table);
    statements.set(table, cached);
  }
  return cached;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function buildStatements(table: TableMeta): TableStatements {
  const target = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.tableName)}`;
  const insertColumns = table.columns.filter((c) => c.insertable);
  const list = (columns: readonly ColumnMeta[]) => columns.map((c) => quoteIdentifier(c.dbName)).join(', ');
  const key = list(table.primaryKey);
  const overriding = table.hasIdentityAlways ? ' overriding system value' : '';
  const conflict =
    table.updatable.length === 0
      ? 'do nothing'
      : `do update set ${table.updatable.map((c) => `${quoteIdentifier(c.dbName)} = excluded.${quoteIdentifier(c.dbName)}`).join(', ')}`;
  const insertHead = `insert into ${target} (${list(insertColumns)})${overriding} values `;
  const insertTail = ` on conflict (${key}) ${conflict}`;
  const deleteHead = `delete from ${target} where (${key}) in (`;
  return {
    insertColumns,
    upsert: (rows) => {
      const params: unknown[] = [];
      return { sql: `${insertHead}${tuples(rows, insertColumns, params)}${insertTail}`, params };
    },
    delete: (rows) => {
      const params: unknown[] = [];
      return { sql: `${deleteHead}${tuples(rows, table.primaryKey, params)})`, params };
    },
  };
}

/** `($1, $2), ($3, $4)`, filling `params` with each value encoded by its column. */
function tuples(rows: readonly Row[], columns: readonly ColumnMeta[], params: unknown[]): string {
  const parts: string[] = [];
  for (const row of rows) {
    const placeholders: string[] = [];
    for (const c of columns) {
      const value = row[c.key];
      params.push(encodeForBackup(c.column, value));
      placeholders.push(`$${params.length}`);
    }
    parts.push(`(${placeholders.join(', ')})`);
  }
  return parts.join(', ');
}
