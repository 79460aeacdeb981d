import { type SQL, sql } from 'drizzle-orm';
import type { ChangeOp } from '../apply/change.js';
import { type OutboxNames, qualified } from '../outbox/outbox-schema.js';
import type { TableMeta } from '../table-meta.js';

// jsonb_build_object takes at most 100 arguments: 50 name/value pairs per call, chained with `||`.
const PAIRS_PER_CALL = 50;

const column = (i: number) => sql.identifier(`__mdb_${i}`);

/**
 * Durable mode: ONE statement that runs the mutation and writes its returned rows to the outbox, atomically and
 * in a single round trip (no BEGIN/COMMIT around it). The mutation returns the caller's list followed by every
 * table column; the CTE renames them by position, the outbox gets the table columns as PostgreSQL's own JSON,
 * and only the caller's columns travel back (a `null` per row when it asked for none, so the count survives).
 */
export function withOutbox(
  mutation: SQL,
  meta: TableMeta,
  op: ChangeOp,
  names: OutboxNames,
  callerColumns: number,
): SQL {
  const total = callerColumns + meta.columns.length;
  const aliases = sql.join(
    Array.from({ length: total }, (_, i) => column(i)),
    sql`, `,
  );
  const tableColumn = (index: number) => column(callerColumns + index);
  const key = sql.join(
    meta.primaryKey.map((c) => tableColumn(meta.columns.indexOf(c))),
    sql`, `,
  );
  const objects: SQL[] = [];
  for (let start = 0; start < meta.columns.length; start += PAIRS_PER_CALL) {
    const pairs = meta.columns
      .slice(start, start + PAIRS_PER_CALL)
      .map((c, i) => sql`${sql.raw(quoteLiteral(c.dbName))}::text, ${tableColumn(start + i)}`);
    objects.push(sql`jsonb_build_object(${sql.join(pairs, sql`, `)})`);
  }
  const returned =
    callerColumns === 0
      ? sql`null`
      : sql.join(
          Array.from({ length: callerColumns }, (_, i) => column(i)),
          sql`, `,
        );
  return sql`with "__mdb_m" (${aliases}) as (${mutation}), "__mdb_o" as (
    insert into ${qualified(names, 'outbox')} ("table_name", "op", "entity_key", "row_data")
    select ${sql.raw(quoteLiteral(meta.name))}, ${sql.raw(quoteLiteral(op))}, jsonb_build_array(${key})::text, ${sql.join(objects, sql` || `)} from "__mdb_m"
  ) select ${returned} from "__mdb_m"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
