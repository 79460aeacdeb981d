import { MultiDbError } from '@multidb/config';
import type { SQL } from 'drizzle-orm';
import type { PgInsertBuilder, PgUpdateBuilder } from 'drizzle-orm/pg-core';
import type { ColumnMeta, TableMeta } from '../table-meta.js';
import type { BoundCaptureContext } from './capture-context.js';
import { capturedPrepare, type MutationKind } from './captured-prepare.js';

type AnyInsertBuilder = PgInsertBuilder<never, never, boolean>;
type AnyUpdateBuilder = PgUpdateBuilder<never, never>;
type Row = Readonly<Record<string, unknown>>;

/**
 * What a wrapped builder needs at run time, kept on the builder under a symbol. The replaced methods are shared
 * functions that read it through `this`: no closures and no new property descriptors per statement (they were a
 * measurable part of the capture's cost on every write).
 */
const STATE = Symbol('multidb.capture');

interface CaptureState {
  readonly meta: TableMeta;
  readonly context: BoundCaptureContext;
  readonly kind: MutationKind;
  /** `toSQL()` is running: `getSQL()` may show the statement. */
  showing: boolean;
  /** An insert of exactly one row: its key values as given (`onConflictDoUpdate`'s `set` may repeat them). */
  readonly key: readonly unknown[] | undefined;
}

type Stateful = { [STATE]: CaptureState };

function stateOf(builder: unknown): CaptureState {
  return (builder as Stateful)[STATE];
}

function protoMethod<T>(self: object, name: string): T {
  return (Object.getPrototypeOf(self) as Record<string, T>)[name] as T;
}

const INSERT_METHODS: PropertyDescriptorMap = {
  values: {
    value(this: AnyInsertBuilder, rows: never) {
      const state = stateOf(this);
      const query = protoMethod<AnyInsertBuilder['values']>(this, 'values').call(this, rows);
      return capture(query, state, INSERT_STATEMENT_METHODS, singleRowKey(state.meta, rows));
    },
  },
  select: {
    value(this: AnyInsertBuilder, query: never) {
      const state = stateOf(this);
      const insert = protoMethod<AnyInsertBuilder['select']>(this, 'select').call(this, query);
      return capture(insert, state, INSERT_STATEMENT_METHODS, undefined);
    },
  },
};

const UPDATE_METHODS: PropertyDescriptorMap = {
  set: {
    value(this: AnyUpdateBuilder, values: Record<string, unknown>) {
      const state = stateOf(this);
      refusePrimaryKeyChange(state.meta, changedKeyColumns(state.meta, values, never), 'update().set()');
      return capture(protoMethod<AnyUpdateBuilder['set']>(this, 'set').call(this, values as never), state);
    },
  },
};

const STATEMENT_METHODS: PropertyDescriptorMap = {
  _prepare: {
    // 0.45: `_prepare(name?)`; 1.0: `_prepare(name?, generateName)` (`.prepare()` asks for a generated name).
    value(this: object, name?: string, generateName?: boolean) {
      const { kind, meta, context } = stateOf(this);
      const getSQL = protoMethod<(...args: unknown[]) => SQL>(this, 'getSQL');
      return capturedPrepare(this, getSQL, name ?? generateName, kind, meta, context);
    },
  },
  // Embedding the mutation elsewhere (a CTE, `sql` template, `db.execute`) would run it uncaptured.
  getSQL: {
    value(this: object, ...args: unknown[]) {
      const state = stateOf(this);
      if (!state.showing) {
        throw new MultiDbError(
          'UncapturedMutation',
          `a ${state.kind} on ${state.meta.name} made through the backup wrapper cannot be embedded in another query (CTE, sql template, db.execute): its rows would never reach the backup. Await the query itself.`,
          { table: state.meta.name },
        );
      }
      return protoMethod<(...args: unknown[]) => SQL>(this, 'getSQL').apply(this, args);
    },
  },
  toSQL: {
    value(this: object, ...args: unknown[]) {
      const state = stateOf(this);
      state.showing = true;
      try {
        return protoMethod<(...args: unknown[]) => unknown>(this, 'toSQL').apply(this, args);
      } finally {
        state.showing = false;
      }
    },
  },
};

// An insert's `onConflictDoUpdate` may change a key like `update().set()`: refused the same way, synchronously.
const INSERT_STATEMENT_METHODS: PropertyDescriptorMap = {
  ...STATEMENT_METHODS,
  onConflictDoUpdate: {
    value(this: object, config: OnConflictDoUpdate) {
      const { meta, key } = stateOf(this);
      const target = Array.isArray(config.target) ? config.target : [config.target];
      // `{ target: <the primary key>, set: row }` for one row: the key in `set` is the conflicting row's own.
      const noOp = key !== undefined && sameColumns(target, meta.primaryKey);
      const kept = (c: ColumnMeta) =>
        noOp && samePlainValue(key[meta.primaryKey.indexOf(c)], config.set[c.key]);
      refusePrimaryKeyChange(meta, changedKeyColumns(meta, config.set, kept), 'onConflictDoUpdate({ set })');
      return protoMethod<(config: OnConflictDoUpdate) => unknown>(this, 'onConflictDoUpdate').call(
        this,
        config,
      );
    },
  },
};

interface OnConflictDoUpdate {
  readonly target: unknown;
  readonly set: Row;
}

function withState<B>(builder: B, meta: TableMeta, context: BoundCaptureContext, kind: MutationKind): B {
  (builder as unknown as Stateful)[STATE] = { meta, context, kind, showing: false, key: undefined };
  return builder;
}

/** `db.insert(t)`: the statement made by `.values()` or `.select()` is captured. */
export function interceptInsert<B>(builder: B, meta: TableMeta, context: BoundCaptureContext): B {
  return Object.defineProperties(withState(builder, meta, context, 'insert'), INSERT_METHODS) as B;
}

/** `db.update(t)`: the statement made by `.set()` is captured. */
export function interceptUpdate<B>(builder: B, meta: TableMeta, context: BoundCaptureContext): B {
  return Object.defineProperties(withState(builder, meta, context, 'update'), UPDATE_METHODS) as B;
}

/** `db.delete(t)` is the statement itself. */
export function interceptDelete<B>(builder: B, meta: TableMeta, context: BoundCaptureContext): B {
  return Object.defineProperties(withState(builder, meta, context, 'delete'), STATEMENT_METHODS) as B;
}

/** `kept` for `update().set()`: no key value given there can be proven unchanged. */
const never = () => false;

/**
 * Key columns an UPDATE SET built from `values` may change: those given a value (Drizzle skips `undefined`) unless
 * `kept` proves it unchanged, and those Drizzle fills with their `$onUpdate` function when not given.
 */
function changedKeyColumns(meta: TableMeta, values: Row, kept: (c: ColumnMeta) => boolean): ColumnMeta[] {
  return meta.primaryKey.filter((c) =>
    values[c.key] !== undefined ? !kept(c) : c.column.onUpdateFn !== undefined,
  );
}

/**
 * `returning` only shows the NEW key of an updated row, so the backup could not find (and remove) the old one.
 * Refused before anything runs (synchronously, by the builder call); change keys with a delete + insert instead.
 */
function refusePrimaryKeyChange(meta: TableMeta, changed: readonly ColumnMeta[], via: string): void {
  if (changed.length > 0) {
    throw new MultiDbError(
      'PrimaryKeyUpdate',
      `updating the primary key of ${meta.name} (${changed.map((c) => c.key).join(', ')}) through ${via} of the backup wrapper is not supported: the backup cannot see the old key. Delete and re-insert the row instead.`,
      { table: meta.name },
    );
  }
}

/** The key values of a one-row insert, copied now (the caller's object may change before `onConflictDoUpdate`). */
function singleRowKey(meta: TableMeta, rows: unknown): unknown[] | undefined {
  const row = Array.isArray(rows) ? (rows.length === 1 ? (rows[0] as Row) : undefined) : (rows as Row);
  return row === undefined ? undefined : meta.keyValues(row);
}

function sameColumns(target: readonly unknown[], key: readonly ColumnMeta[]): boolean {
  const columns = new Set(target);
  return columns.size === key.length && key.every((c) => columns.has(c.column));
}

/** The same plain value (never SQL, a placeholder or a column: those are evaluated by the server). */
function samePlainValue(a: unknown, b: unknown): boolean {
  if (a === undefined || isSqlLike(a) || isSqlLike(b)) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}

function isSqlLike(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getSQL?: unknown }).getSQL === 'function'
  );
}

/** The statement a builder made (`.values()`, `.set()`, ...) is captured with its builder's state. */
function capture<Q extends object>(
  query: Q,
  from: CaptureState,
  methods: PropertyDescriptorMap = STATEMENT_METHODS,
  key: readonly unknown[] | undefined = undefined,
): Q {
  (query as unknown as Stateful)[STATE] = {
    meta: from.meta,
    context: from.context,
    kind: from.kind,
    showing: false,
    key,
  };
  return Object.defineProperties(query, methods);
}
