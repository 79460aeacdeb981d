import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { RowChange } from './change-capture.js';

interface TableShape {
  /** Quoted names of columns that can be inserted (generated columns excluded). */
  readonly columns: string;
  /** Quoted primary-key columns; empty when the table has none (rows are then matched whole). */
  readonly key: string[];
}

const SHAPE = `SELECT quote_ident(a.attname) AS name, a.attgenerated <> '' AS generated,
    coalesce(a.attnum = ANY (i.indkey::int2[]), false) AS key
  FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
  WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`;

/**
 * Applies captured row changes to a replica, in order, in one transaction per batch. The replica session runs
 * with `session_replication_role = replica`, so foreign keys and user triggers do not fire (the primary already
 * enforced them; their effects arrive as changes of their own). `rel` comes from the primary's own
 * `format('%I.%I')`, so it is a quoted identifier.
 */
export class ChangeApplier {
  readonly #replica: PGlite;
  readonly #shapes = new Map<string, TableShape>();

  constructor(replica: PGlite) {
    this.#replica = replica;
  }

  async apply(changes: readonly RowChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.#replica.transaction(async (tx) => {
      for (const change of changes) await this.#applyOne(tx, change);
    });
  }

  async #applyOne(tx: Transaction, change: RowChange): Promise<void> {
    const rel = change.rel;
    if (change.op === 'T') {
      await tx.exec(`TRUNCATE ${rel} CASCADE`);
      return;
    }
    const shape = await this.#shape(tx, rel);
    if (change.old !== null) await tx.query(deleteSql(rel, shape), [JSON.stringify(change.old)]);
    if (change.new !== null) {
      await tx.query(
        `INSERT INTO ${rel} (${shape.columns}) OVERRIDING SYSTEM VALUE
         SELECT ${shape.columns} FROM jsonb_populate_record(NULL::${rel}, $1::text::jsonb)`,
        [JSON.stringify(change.new)],
      );
    }
  }

  async #shape(tx: Transaction, rel: string): Promise<TableShape> {
    const known = this.#shapes.get(rel);
    if (known !== undefined) return known;
    const { rows } = await tx.query<{ name: string; generated: boolean; key: boolean }>(SHAPE, [rel]);
    const shape = {
      columns: rows
        .filter((r) => !r.generated)
        .map((r) => r.name)
        .join(', '),
      key: rows.filter((r) => r.key).map((r) => r.name),
    };
    this.#shapes.set(rel, shape);
    return shape;
  }
}

function deleteSql(rel: string, shape: TableShape): string {
  const record = `jsonb_populate_record(NULL::${rel}, $1::text::jsonb)`;
  if (shape.key.length > 0) {
    const key = shape.key.join(', ');
    return `DELETE FROM ${rel} WHERE (${key}) = (SELECT ${key} FROM ${record})`;
  }
  return `DELETE FROM ${rel} t WHERE t.ctid = (SELECT t2.ctid FROM ${rel} t2
    WHERE t2::text = (SELECT r::text FROM ${record} r) LIMIT 1)`;
}
