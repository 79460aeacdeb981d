import { MultiDbError } from '@multidb/config';
import type { SQL } from 'drizzle-orm';
import type { PgDeleteBase, PgInsertBuilder, PgUpdateBuilder } from 'drizzle-orm/pg-core';
import type { TableMeta } from '../table-meta.js';
import type { CaptureContext } from './capture-context.js';
import { capturedPrepare, type MutationKind } from './captured-prepare.js';

type AnyInsertBuilder = PgInsertBuilder<never, never, boolean>;
type AnyUpdateBuilder = PgUpdateBuilder<never, never>;
type AnyDelete = PgDeleteBase<never, never, never>;

/** `db.insert(t)`: the statement made by `.values()` or `.select()` is captured. */
export function interceptInsert<B>(builder: B, meta: TableMeta, context: CaptureContext): B {
  const b = builder as unknown as AnyInsertBuilder;
  const values = b.values;
  const select = b.select;
  Object.defineProperties(b, {
    values: { value: (rows: never) => capture(values.call(b, rows), 'insert', meta, context) },
    select: { value: (query: never) => capture(select.call(b, query), 'insert', meta, context) },
  });
  return builder;
}

/** `db.update(t)`: the statement made by `.set()` is captured. */
export function interceptUpdate<B>(builder: B, meta: TableMeta, context: CaptureContext): B {
  const b = builder as unknown as AnyUpdateBuilder;
  const set = b.set;
  Object.defineProperty(b, 'set', {
    value: (values: Record<string, unknown>) => {
      refusePrimaryKeyChange(meta, values);
      return capture(set.call(b, values as never), 'update', meta, context);
    },
  });
  return builder;
}

/** `db.delete(t)` is the statement itself. */
export function interceptDelete<B>(builder: B, meta: TableMeta, context: CaptureContext): B {
  return capture(builder as unknown as AnyDelete, 'delete', meta, context) as unknown as B;
}

/**
 * `returning` only shows the NEW key of an updated row, so the backup could not find (and remove) the old one.
 * Refused before anything runs; change keys with a delete + insert instead.
 */
function refusePrimaryKeyChange(meta: TableMeta, values: Record<string, unknown>): void {
  const changed = meta.primaryKey.filter((c) => values[c.key] !== undefined);
  if (changed.length > 0) {
    throw new MultiDbError(
      'PrimaryKeyUpdate',
      `updating the primary key of ${meta.name} (${changed.map((c) => c.key).join(', ')}) through the backup wrapper is not supported: the backup cannot see the old key. Delete and re-insert the row instead.`,
      { table: meta.name },
    );
  }
}

function capture<Q extends object>(
  query: Q,
  kind: MutationKind,
  meta: TableMeta,
  context: CaptureContext,
): Q {
  const proto = Object.getPrototypeOf(query) as { getSQL: () => SQL; toSQL: () => unknown };
  const getSQL = proto.getSQL;
  const toSQL = proto.toSQL;
  let showing = false;
  Object.defineProperties(query, {
    _prepare: { value: (name?: string) => capturedPrepare(query, getSQL, name, kind, meta, context) },
    // Embedding the mutation elsewhere (a CTE, `sql` template, `db.execute`) would run it uncaptured.
    getSQL: {
      value: () => {
        if (!showing) {
          throw new MultiDbError(
            'UncapturedMutation',
            `a ${kind} on ${meta.name} made through the backup wrapper cannot be embedded in another query (CTE, sql template, db.execute): its rows would never reach the backup. Await the query itself.`,
            { table: meta.name },
          );
        }
        return getSQL.call(query);
      },
    },
    toSQL: {
      value: () => {
        showing = true;
        try {
          return toSQL.call(query);
        } finally {
          showing = false;
        }
      },
    },
  });
  return query;
}
