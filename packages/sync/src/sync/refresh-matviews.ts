import { describeError, quoteQualified } from '@multidb/config';
import { type SchemaFilter, schemaSelected } from '../catalog/schema-filter.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import { displayName } from '../sql/qualified-name.js';

/** What happened to one materialized view of the target at the end of a sync. */
export interface MaterializedViewReport {
  readonly view: string;
  /**
   * `refreshed`; `planned` (dry run); `skipped`: not populated on the source (`WITH NO DATA`, as pg_dump leaves
   * it) or missing there; `failed`: the refresh raised (see `reason`).
   */
  readonly status: 'refreshed' | 'planned' | 'skipped' | 'failed';
  readonly reason: string | undefined;
  readonly ms: number;
}

interface MatView {
  readonly schema: string;
  readonly name: string;
  readonly populated: boolean;
  /** Other materialized views it reads, as `schema.name` JSON keys. */
  readonly uses: readonly string[];
}

// Materialized views with the materialized views their rewrite rule depends on (directly).
const MATVIEWS_SQL = `SELECT json_build_object('schema', n.nspname, 'name', c.relname, 'populated', c.relispopulated,
    'uses', coalesce((
      SELECT json_agg(DISTINCT json_build_array(dn.nspname, dc.relname)::text)
      FROM pg_rewrite r
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
      JOIN pg_class dc ON dc.oid = d.refobjid AND dc.relkind = 'm' AND dc.oid <> c.oid
      JOIN pg_namespace dn ON dn.oid = dc.relnamespace
      WHERE r.ev_class = c.oid), '[]'::json))::text AS json
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'm' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  ORDER BY n.nspname, c.relname`;

const keyOf = (v: { schema: string; name: string }) => JSON.stringify([v.schema, v.name]);

async function readMatViews(endpoint: SqlEndpoint, filter: SchemaFilter): Promise<MatView[]> {
  const rows = await endpoint.rows<{ json: string }>(MATVIEWS_SQL);
  return rows
    .map((r) => JSON.parse(r.json) as MatView)
    .filter((v) => schemaSelected(v.schema, filter))
    .map((v) => ({ ...v, uses: v.uses.map((u) => JSON.stringify(JSON.parse(u))) }));
}

/** Views before the views that read them (depth-first; a cycle cannot exist between materialized views). */
function inDependencyOrder(views: readonly MatView[]): MatView[] {
  const byKey = new Map(views.map((v) => [keyOf(v), v]));
  const done = new Set<string>();
  const out: MatView[] = [];
  const visit = (view: MatView) => {
    const key = keyOf(view);
    if (done.has(key)) return;
    done.add(key);
    for (const used of view.uses) {
      const dependency = byKey.get(used);
      if (dependency) visit(dependency);
    }
    out.push(view);
  };
  for (const view of views) visit(view);
  return out;
}

export interface RefreshOptions {
  readonly filter: SchemaFilter;
  readonly dryRun: boolean;
  readonly now: () => number;
  readonly onView?: (view: string, phase: 'start' | 'done' | 'failed') => void;
}

/**
 * Refreshes the target's materialized views after the copy (COPY and upserts leave them as they were), those
 * populated on the source, in dependency order, each in its own transaction; a failure is reported and the
 * others still run.
 */
export async function refreshMaterializedViews(
  source: SqlEndpoint,
  target: SqlEndpoint,
  options: RefreshOptions,
): Promise<MaterializedViewReport[]> {
  const [onSource, onTarget] = await Promise.all([
    readMatViews(source, options.filter),
    readMatViews(target, options.filter),
  ]);
  const populated = new Map(onSource.map((v) => [keyOf(v), v.populated]));
  const reports: MaterializedViewReport[] = [];
  for (const view of inDependencyOrder(onTarget)) {
    const name = displayName(view.schema, view.name);
    const base = { view: name, reason: undefined, ms: 0 };
    const onSourcePopulated = populated.get(keyOf(view));
    if (onSourcePopulated !== true) {
      const reason = onSourcePopulated === false ? 'not populated on the source' : 'missing on the source';
      reports.push({ ...base, status: 'skipped', reason });
      continue;
    }
    if (options.dryRun) {
      reports.push({ ...base, status: 'planned' });
      continue;
    }
    const started = options.now();
    options.onView?.(name, 'start');
    try {
      await target.transaction((tx) =>
        tx.execute(`REFRESH MATERIALIZED VIEW ${quoteQualified(view.schema, view.name)}`),
      );
      options.onView?.(name, 'done');
      reports.push({ ...base, status: 'refreshed', ms: options.now() - started });
    } catch (error) {
      options.onView?.(name, 'failed');
      reports.push({ ...base, status: 'failed', reason: describeError(error), ms: options.now() - started });
    }
  }
  return reports;
}
