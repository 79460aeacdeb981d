import { MultiDbError } from '@multidb/config';
import type { SQL } from 'drizzle-orm';
import type { PgInsertBuilder, PgUpdateBuilder } from 'drizzle-orm/pg-core';
import type { TableMeta } from '../table-meta.js';
import type { CaptureContext } from './capture-context.js';
import { capturedPrepare, type MutationKind } from './captured-prepare.js';

type AnyInsertBuilder = PgInsertBuilder<never, never, boolean>;
type AnyUpdateBuilder = PgUpdateBuilder<never, never>;

/**
 * What a wrapped builder needs at run time, kept on the builder under a symbol. The replaced methods are shared
 * functions that read it through `this`: no closures and no new property descriptors per statement (they were a
 * measurable part of the capture's cost on every write).
 */
const STATE = Symbol('multidb.capture');

interface CaptureState {
  readonly meta: TableMeta;
  readonly context: CaptureContext;
  readonly kind: MutationKind;
  /** `toSQL()` is running: `getSQL()` may show the statement. */
  showing: boolean;
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
      return capture(protoMethod<AnyInsertBuilder['values']>(this, 'values').call(this, rows), state);
    },
  },
  select: {
    value(this: AnyInsertBuilder, query: never) {
      const state = stateOf(this);
      return capture(protoMethod<AnyInsertBuilder['select']>(this, 'select').call(this, query), state);
    },
  },
};

const UPDATE_METHODS: PropertyDescriptorMap = {
  set: {
    value(this: AnyUpdateBuilder, values: Record<string, unknown>) {
      const state = stateOf(this);
      refusePrimaryKeyChange(state.meta, values);
      return capture(protoMethod<AnyUpdateBuilder['set']>(this, 'set').call(this, values as never), state);
    },
  },
};

const STATEMENT_METHODS: PropertyDescriptorMap = {
  _prepare: {
    value(this: object, name?: string) {
      const { kind, meta, context } = stateOf(this);
      return capturedPrepare(this, protoMethod<() => SQL>(this, 'getSQL'), name, kind, meta, context);
    },
  },
  // Embedding the mutation elsewhere (a CTE, `sql` template, `db.execute`) would run it uncaptured.
  getSQL: {
    value(this: object) {
      const state = stateOf(this);
      if (!state.showing) {
        throw new MultiDbError(
          'UncapturedMutation',
          `a ${state.kind} on ${state.meta.name} made through the backup wrapper cannot be embedded in another query (CTE, sql template, db.execute): its rows would never reach the backup. Await the query itself.`,
          { table: state.meta.name },
        );
      }
      return protoMethod<() => SQL>(this, 'getSQL').call(this);
    },
  },
  toSQL: {
    value(this: object) {
      const state = stateOf(this);
      state.showing = true;
      try {
        return protoMethod<() => unknown>(this, 'toSQL').call(this);
      } finally {
        state.showing = false;
      }
    },
  },
};

function withState<B>(builder: B, meta: TableMeta, context: CaptureContext, kind: MutationKind): B {
  (builder as unknown as Stateful)[STATE] = { meta, context, kind, showing: false };
  return builder;
}

/** `db.insert(t)`: the statement made by `.values()` or `.select()` is captured. */
export function interceptInsert<B>(builder: B, meta: TableMeta, context: CaptureContext): B {
  return Object.defineProperties(withState(builder, meta, context, 'insert'), INSERT_METHODS) as B;
}

/** `db.update(t)`: the statement made by `.set()` is captured. */
export function interceptUpdate<B>(builder: B, meta: TableMeta, context: CaptureContext): B {
  return Object.defineProperties(withState(builder, meta, context, 'update'), UPDATE_METHODS) as B;
}

/** `db.delete(t)` is the statement itself. */
export function interceptDelete<B>(builder: B, meta: TableMeta, context: CaptureContext): B {
  return Object.defineProperties(withState(builder, meta, context, 'delete'), STATEMENT_METHODS) as B;
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

/** The statement a builder made (`.values()`, `.set()`, ...) is captured with its builder's state. */
function capture<Q extends object>(query: Q, from: CaptureState): Q {
  (query as unknown as Stateful)[STATE] = {
    meta: from.meta,
    context: from.context,
    kind: from.kind,
    showing: false,
  };
  return Object.defineProperties(query, STATEMENT_METHODS);
}
