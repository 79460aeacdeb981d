import { type AnyPgDatabase, MultiDbError } from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import type { BackupTarget, Step } from '../apply/change.js';
import { setLocalTimeouts } from '../apply/drizzle-target.js';
import { runReusable } from '../apply/run-query.js';
import type { TableMeta } from '../table-meta.js';
import { type OutboxNames, qualified } from './outbox-schema.js';

export interface JsonTargetOptions {
  readonly names: OutboxNames;
  /** The drainer's leadership epoch; every backup transaction checks it against the fence first. */
  readonly epoch: () => number | undefined;
  readonly statementTimeoutMs?: number;
}

const ROWS_PER_STATEMENT = 1000;

/**
 * Durable mode: rows are the primary's own `to_jsonb(row)` text, never parsed in JS (no precision loss for
 * bigint/numeric, exact timestamps, bytea as hex) and turned back into rows by the backup itself with
 * `jsonb_populate_recordset`.
 */
export function jsonTarget(backup: AnyPgDatabase, options: JsonTargetOptions): BackupTarget<string> {
  return {
    async apply(steps, deadline) {
      await backup.transaction(async (tx) => {
        await setLocalTimeouts(tx, options.statementTimeoutMs);
        await checkFence(tx, options);
        for (const step of steps) {
          for (let start = 0; start < step.rows.length; start += ROWS_PER_STATEMENT) {
            const rows = step.rows.slice(start, start + ROWS_PER_STATEMENT);
            deadline?.check();
            await runReusable(tx, statementFor({ ...step, rows }));
          }
        }
        deadline?.check();
      });
    },
  };
}

/**
 * A deposed drainer (its lock session died while it was still applying) must not overwrite what the new leader
 * wrote: the fence row keeps the highest epoch, and a lower one is refused.
 */
async function checkFence(tx: AnyPgDatabase, options: JsonTargetOptions): Promise<void> {
  const epoch = options.epoch();
  if (epoch === undefined) return;
  const fence = qualified(options.names, 'fence');
  const rows = await runReusable(
    tx,
    sql`insert into ${fence} as f (id, epoch) values (1, ${epoch}) on conflict (id) do update
      set epoch = excluded.epoch where f.epoch <= excluded.epoch returning f.epoch`,
  );
  if (rows.length === 0) {
    throw new MultiDbError('FencedOut', `drainer epoch ${epoch} was superseded by a newer drainer`, {
      epoch,
    });
  }
}

export function isFencedOut(error: unknown): boolean {
  return error instanceof MultiDbError && error.code === 'FencedOut';
}

function statementFor(step: Step<string>): SQL {
  const { table } = step;
  const target = tableSql(table);
  const records = sql`jsonb_populate_recordset(null::${target}, ${`[${step.rows.join(',')}]`}::text::jsonb)`;
  const key = table.primaryKey.map((c) => sql.identifier(c.dbName));
  if (step.op === 'delete') {
    const left = sql.join(
      table.primaryKey.map((c) => sql`"__mdb_t".${sql.identifier(c.dbName)}`),
      sql`, `,
    );
    const right = sql.join(
      table.primaryKey.map((c) => sql`"__mdb_d".${sql.identifier(c.dbName)}`),
      sql`, `,
    );
    return sql`delete from ${target} as "__mdb_t" using ${records} as "__mdb_d" where (${left}) = (${right})`;
  }
  const columns = sql.join(
    table.columns.filter((c) => c.insertable).map((c) => sql.identifier(c.dbName)),
    sql`, `,
  );
  const overriding = table.hasIdentityAlways ? sql` overriding system value` : sql``;
  const conflict =
    table.updatable.length === 0
      ? sql`do nothing`
      : sql`do update set ${sql.join(
          table.updatable.map((c) => sql`${sql.identifier(c.dbName)} = excluded.${sql.identifier(c.dbName)}`),
          sql`, `,
        )}`;
  return sql`insert into ${target} (${columns})${overriding} select ${columns} from ${records}
    on conflict (${sql.join(key, sql`, `)}) ${conflict}`;
}

function tableSql(table: TableMeta): SQL {
  return sql`${sql.identifier(table.schema)}.${sql.identifier(table.tableName)}`;
}
