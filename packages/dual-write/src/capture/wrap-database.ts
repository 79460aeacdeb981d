import { type AnyPgDatabase, assertPgDatabase } from '@multidb/config';
import type { PgTable } from 'drizzle-orm/pg-core';
import { type BoundCaptureContext, bindContext, type CaptureContext } from './capture-context.js';
import { drizzleInternals } from './drizzle-internals.js';
import { interceptDelete, interceptInsert, interceptUpdate } from './intercept-builders.js';
import { TransactionScope } from './transaction-scope.js';

type Mutators = Pick<AnyPgDatabase, 'insert' | 'update' | 'delete'>;
type TransactionFn = (
  callback: (tx: AnyPgDatabase) => Promise<unknown>,
  config?: unknown,
) => Promise<unknown>;

/**
 * A database object that IS the original (same prototype chain: `is(x, PgDatabase)`, `db.query`, `$client`,
 * `execute` and every read are inherited untouched) with its mutation entry points and `transaction` replaced.
 */
export function wrapDatabase<TDb extends AnyPgDatabase>(db: TDb, unbound: CaptureContext): TDb {
  assertPgDatabase(db, 'the database to wrap with a backup');
  drizzleInternals().checkDatabase(db);
  const context = bindContext(unbound, db);
  return overlay(db, context, (callback, config) => rootTransaction(db, callback, config, context));
}

/** The original object as prototype, with capturing `insert`/`update`/`delete`/`with` and the given `transaction`. */
function overlay<TDb extends AnyPgDatabase>(
  target: TDb,
  context: BoundCaptureContext,
  transaction: (callback: (tx: AnyPgDatabase) => Promise<unknown>, config?: unknown) => Promise<unknown>,
): TDb {
  const wrapper = Object.create(target) as TDb;
  Object.defineProperties(wrapper, {
    ...mutators(target, context),
    with: {
      value: (...queries: unknown[]) => {
        const scoped = (target.with as (...q: unknown[]) => Mutators & Record<string, unknown>)(...queries);
        return { ...scoped, ...plainMutators(scoped, context) };
      },
    },
    transaction: { value: transaction },
  });
  return wrapper;
}

function mutators(target: Mutators, context: BoundCaptureContext): PropertyDescriptorMap {
  const values = plainMutators(target, context);
  return {
    insert: { value: values.insert },
    update: { value: values.update },
    delete: { value: values.delete },
  };
}

function plainMutators(target: Mutators, context: BoundCaptureContext): Mutators {
  return {
    // 1.0's `insert(table, ...columns)` takes a column list: passed on whole.
    insert: ((table: PgTable, ...columns: unknown[]) => {
      const meta = context.meta(table);
      const insert = target.insert as unknown as (
        t: PgTable,
        ...c: unknown[]
      ) => ReturnType<Mutators['insert']>;
      const builder = insert.call(target, table, ...columns);
      return meta === undefined ? builder : interceptInsert(builder, meta, context);
    }) as Mutators['insert'],
    update: ((table: PgTable) => {
      const meta = context.meta(table);
      const builder = target.update(table);
      return meta === undefined ? builder : interceptUpdate(builder, meta, context);
    }) as Mutators['update'],
    delete: ((table: PgTable) => {
      const meta = context.meta(table);
      const builder = target.delete(table);
      return meta === undefined ? builder : interceptDelete(builder, meta, context);
    }) as Mutators['delete'],
  };
}

/** Captures inside the transaction; hands everything over only once the COMMIT succeeded. */
async function rootTransaction(
  db: AnyPgDatabase,
  callback: (tx: AnyPgDatabase) => Promise<unknown>,
  config: unknown,
  context: BoundCaptureContext,
): Promise<unknown> {
  const scope = TransactionScope.root();
  const run = db.transaction.bind(db) as TransactionFn;
  let settle: ((committed: boolean) => void) | undefined;
  try {
    const result = await run(async (tx) => {
      const value = await callback(wrapTransaction(tx, context.within(scope), scope));
      // Drizzle sends COMMIT when this returns: from here the commit is in flight.
      settle = context.committing(scope);
      return value;
    }, config);
    settle?.(true);
    return result;
  } catch (error) {
    settle?.(false);
    throw error;
  }
}

function wrapTransaction(
  tx: AnyPgDatabase,
  context: BoundCaptureContext,
  scope: TransactionScope,
): AnyPgDatabase {
  // A nested transaction is a savepoint: if it throws, only its own writes are dropped.
  return overlay(tx, context, async (callback) => {
    const child = scope.child();
    const run = tx.transaction.bind(tx) as TransactionFn;
    try {
      return await run((inner) => callback(wrapTransaction(inner, context.within(child), child)));
    } catch (error) {
      child.discard();
      throw error;
    }
  });
}
