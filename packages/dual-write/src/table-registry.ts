import type { AnyPgDatabase } from '@multidb/config';
import type { PgTable } from 'drizzle-orm/pg-core';
import { type ColumnNaming, drizzleInternals } from './capture/drizzle-internals.js';
import { qualifiedName, type TableMeta, tableMeta, tablesOf } from './table-meta.js';

/** The tables a writer knows: given at setup (checked at once) or met on first write. */
export class TableRegistry {
  readonly #byName = new Map<string, TableMeta>();
  readonly #ignored: ReadonlySet<string>;
  readonly #columns: ColumnNaming;

  constructor(options: {
    readonly schema?: Readonly<Record<string, unknown>> | readonly unknown[];
    readonly ignoreTables?: readonly (PgTable | string)[];
    readonly casingFrom?: AnyPgDatabase;
  }) {
    this.#ignored = new Set(
      (options.ignoreTables ?? []).map((t) => (typeof t === 'string' ? normalise(t) : qualifiedName(t))),
    );
    this.#columns = drizzleInternals().columns(options.casingFrom);
    // Setup-time check: a table without a primary key fails here, before the app writes anything.
    for (const table of tablesOf(options.schema ?? [])) this.meta(table);
  }

  /** The table's metadata, `undefined` if ignored; throws `NoPrimaryKey` for a table without a key. */
  meta(table: PgTable): TableMeta | undefined {
    const name = qualifiedName(table);
    if (this.#ignored.has(name)) return undefined;
    const known = this.#byName.get(name);
    if (known?.table === table) return known;
    const meta = tableMeta(table, this.#columns);
    this.#byName.set(name, meta);
    return meta;
  }

  byName(name: string): TableMeta | undefined {
    return this.#byName.get(name);
  }
}

function normalise(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}
