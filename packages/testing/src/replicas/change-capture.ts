import type { PGlite } from '@electric-sql/pglite';

/** One row change on the primary, in commit order. `rel` is a quoted, schema-qualified name (`format('%I.%I')`). */
export interface RowChange {
  readonly id: number | string;
  readonly rel: string;
  /** I(nsert), U(pdate), D(elete), T(runcate). */
  readonly op: 'I' | 'U' | 'D' | 'T';
  readonly old: Record<string, unknown> | null;
  readonly new: Record<string, unknown> | null;
}

/** Changes committed after the previous capture, and a primary position that covers all of them. */
export interface CapturedBatch {
  readonly position: bigint;
  readonly changes: readonly RowChange[];
}

export const CAPTURE_SCHEMA = 'multidb_replication';

const INSTALL = `
CREATE SCHEMA IF NOT EXISTS ${CAPTURE_SCHEMA};
-- A sequence the table does not own: TRUNCATE ... RESTART IDENTITY (test resets) must not rewind it.
CREATE SEQUENCE IF NOT EXISTS ${CAPTURE_SCHEMA}.change_id;
CREATE TABLE IF NOT EXISTS ${CAPTURE_SCHEMA}.changes (
  id bigint PRIMARY KEY DEFAULT nextval('${CAPTURE_SCHEMA}.change_id'), rel text NOT NULL, op text NOT NULL,
  old jsonb, new jsonb);
CREATE OR REPLACE FUNCTION ${CAPTURE_SCHEMA}.capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO ${CAPTURE_SCHEMA}.changes (rel, op, old, new) VALUES (
    format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), left(TG_OP, 1),
    CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END,
    CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END);
  RETURN NULL;
END $fn$;
DO $do$ DECLARE t record; BEGIN
  FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', '${CAPTURE_SCHEMA}')
      AND n.nspname NOT LIKE 'pg\\_%'
  LOOP
    EXECUTE format('CREATE OR REPLACE TRIGGER multidb_capture_row AFTER INSERT OR UPDATE OR DELETE ON %s '
      'FOR EACH ROW EXECUTE FUNCTION ${CAPTURE_SCHEMA}.capture()', t.rel);
    EXECUTE format('CREATE OR REPLACE TRIGGER multidb_capture_truncate AFTER TRUNCATE ON %s '
      'FOR EACH STATEMENT EXECUTE FUNCTION ${CAPTURE_SCHEMA}.capture()', t.rel);
  END LOOP;
END $do$;`;

// One statement, one snapshot. PGlite runs one query at a time and waits for open transactions, so the
// position read here is at or after the commit of every change the same statement sees.
const CAPTURE = `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS position,
  coalesce((SELECT jsonb_agg(c ORDER BY c.id) FROM ${CAPTURE_SCHEMA}.changes c WHERE c.id > $1::bigint), '[]')
    AS changes`;

/**
 * Row-level change capture on a PGlite primary, shared by every lagging replica of it: triggers on every user
 * table write to a changelog; each replica keeps its own cursor; rows every cursor has passed are deleted.
 * Tables must exist before the first replica is created (DDL is not replicated).
 */
export class ChangeCapture {
  static readonly #byPrimary = new WeakMap<PGlite, ChangeCapture>();
  readonly #primary: PGlite;
  readonly #cursors = new Map<symbol, bigint>();
  readonly #installed: Promise<void>;
  #trimmable = false;

  private constructor(primary: PGlite) {
    this.#primary = primary;
    this.#installed = primary.exec(INSTALL).then(() => undefined);
  }

  /** The capture of `primary`, installed on first use (triggers are re-created for tables added since). */
  static async of(primary: PGlite): Promise<ChangeCapture> {
    let capture = ChangeCapture.#byPrimary.get(primary);
    if (capture === undefined) {
      capture = new ChangeCapture(primary);
      ChangeCapture.#byPrimary.set(primary, capture);
    } else {
      await capture.#installed;
      await primary.exec(INSTALL);
    }
    await capture.#installed;
    return capture;
  }

  /** Registers a reader positioned after change `cursor`. */
  register(cursor: bigint): symbol {
    const id = Symbol('replica');
    this.#cursors.set(id, cursor);
    return id;
  }

  unregister(id: symbol): void {
    this.#cursors.delete(id);
  }

  /** Changes after the reader's cursor, and the primary position they are complete up to. */
  async capture(reader: symbol): Promise<CapturedBatch> {
    const cursor = this.#cursors.get(reader);
    if (cursor === undefined) throw new Error('unknown or closed replica');
    // Trim before reading the position, so a caught-up replica's position equals the primary's.
    if (this.#trimmable) await this.#trim();
    const { rows } = await this.#primary.query<{ position: string; changes: RowChange[] }>(CAPTURE, [
      cursor.toString(),
    ]);
    const row = rows[0] as { position: string; changes: RowChange[] };
    const last = row.changes.at(-1);
    if (last !== undefined) {
      this.#cursors.set(reader, BigInt(String(last.id)));
      this.#trimmable = true;
    }
    return { position: BigInt(row.position), changes: row.changes };
  }

  async #trim(): Promise<void> {
    this.#trimmable = false;
    let oldest: bigint | undefined;
    for (const cursor of this.#cursors.values()) if (oldest === undefined || cursor < oldest) oldest = cursor;
    if (oldest === undefined) return;
    await this.#primary.query(`DELETE FROM ${CAPTURE_SCHEMA}.changes WHERE id <= $1::bigint`, [
      oldest.toString(),
    ]);
  }
}
