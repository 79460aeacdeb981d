/**
 * One round trip that reads everything sync and drift need from the system catalogs, as a JSON document (the
 * same on postgres.js and PGlite, no driver type parsing involved). Works on any database: nothing here knows
 * our schemas. Extension-owned tables, partitions (copied through their parent) and system schemas are left out.
 */
const keyColumns = (table: string, keys: string, limit: string) => `(
  SELECT coalesce(json_agg(a.attname ORDER BY k.ord), '[]'::json)
  FROM unnest(${keys}::int2[]) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = ${table} AND a.attnum = k.attnum
  WHERE k.ord <= ${limit})`;

const USER_RELATION = `c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

export const CATALOG_QUERY = `
WITH rel AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_RELATION}
)
SELECT json_build_object(
  'version', current_setting('server_version_num')::int,
  'tables', (SELECT coalesce(json_agg(json_build_object(
      'oid', r.oid::int8, 'schema', r.nspname, 'name', r.relname,
      'partitioned', r.relkind = 'p', 'estimate', r.reltuples::float8)), '[]'::json) FROM rel r),
  'columns', (SELECT coalesce(json_agg(json_build_object(
      'oid', a.attrelid::int8, 'name', a.attname, 'num', a.attnum,
      'type', format_type(a.atttypid, a.atttypmod), 'typeSchema', tn.nspname, 'typeName', t.typname,
      'notNull', a.attnotnull, 'identity', a.attidentity, 'generated', a.attgenerated <> '',
      'collation', CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
      'sequence', (SELECT json_build_array(sn.nspname, s.relname) FROM pg_depend d
        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
        WHERE d.classid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
          AND d.deptype IN ('a', 'i') LIMIT 1))
      ORDER BY a.attrelid, a.attnum), '[]'::json)
    FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid
    JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE a.attnum > 0 AND NOT a.attisdropped),
  'indexes', (SELECT coalesce(json_agg(json_build_object(
      'oid', i.indrelid::int8, 'name', ic.relname, 'primary', i.indisprimary, 'unique', i.indisunique,
      'plain', i.indpred IS NULL AND i.indexprs IS NULL,
      'columns', ${keyColumns('i.indrelid', 'i.indkey', 'i.indnkeyatts')},
      'definition', concat_ws(' ', CASE WHEN i.indisunique THEN 'UNIQUE' END, 'USING', am.amname,
        '(' || (SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), ', ' ORDER BY k)
                FROM generate_series(1, i.indnkeyatts) k) || ')',
        CASE WHEN i.indnatts > i.indnkeyatts THEN 'INCLUDE (' || (SELECT string_agg(
          pg_get_indexdef(i.indexrelid, k, true), ', ' ORDER BY k)
          FROM generate_series(i.indnkeyatts + 1, i.indnatts) k) || ')' END,
        CASE WHEN i.indpred IS NOT NULL THEN 'WHERE ' || pg_get_expr(i.indpred, i.indrelid, true) END))
      ORDER BY ic.relname), '[]'::json)
    FROM pg_index i JOIN rel r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam),
  'foreignKeys', (SELECT coalesce(json_agg(json_build_object(
      'name', con.conname, 'deferrable', con.condeferrable,
      'fromSchema', fn.nspname, 'fromName', fc.relname, 'toSchema', tn.nspname, 'toName', tc.relname,
      'columns', ${keyColumns('con.conrelid', 'con.conkey', 'cardinality(con.conkey)')},
      'refColumns', ${keyColumns('con.confrelid', 'con.confkey', 'cardinality(con.confkey)')})
      ORDER BY con.conname), '[]'::json)
    FROM pg_constraint con
    JOIN pg_class fc ON fc.oid = con.conrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
    JOIN pg_class tc ON tc.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    WHERE con.contype = 'f' AND con.conparentid = 0 AND con.conrelid IN (SELECT oid FROM rel)),
  'enums', (SELECT coalesce(json_agg(json_build_object('schema', n.nspname, 'name', t.typname,
      'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
      ORDER BY n.nspname, t.typname), '[]'::json)
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e' AND n.nspname NOT IN ('pg_catalog', 'information_schema'))
)::text AS catalog`;
