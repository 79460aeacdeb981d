import { quoteLiteral } from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import type { ChangeOp } from '../apply/change.js';
import { type OutboxNames, qualified } from '../outbox/outbox-schema.js';
import type { TableMeta } from '../table-meta.js';
import { EXACT_SQL, INEXACT_MARK, rowObjectSql } from './row-text.js';

const column = (i: number) => sql.identifier(`__mdb_${i}`);

/**
 * Durable mode: ONE statement that runs the mutation and writes its returned rows to the outbox, atomically and
 * in a single round trip (no BEGIN/COMMIT around it). The mutation returns the caller's list followed by every
 * table column; the CTE renames them by position, the outbox gets the table columns as their exact texts,
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
  // Every value as the primary's exact text (see `row-text.ts`), the same form memory mode captures.
  const rowData = `${rowObjectSql(meta, (_, index) => `"__mdb_${callerColumns + index}"`)} || case when ${EXACT_SQL} then '{}'::jsonb else '{"${INEXACT_MARK}": true}'::jsonb end`;
  const returned =
    callerColumns === 0
      ? sql`null`
      : sql.join(
          Array.from({ length: callerColumns }, (_, i) => column(i)),
          sql`, `,
        );
  return sql`with "__mdb_m" (${aliases}) as (${mutation}), "__mdb_o" as (
    insert into ${qualified(names, 'outbox')} ("table_name", "op", "entity_key", "row_data")
    select ${sql.raw(quoteLiteral(meta.name))}, ${sql.raw(quoteLiteral(op))}, jsonb_build_array(${key})::text, ${sql.raw(rowData)} from "__mdb_m"
  ) select ${returned} from "__mdb_m"`;
}
