/**
 * Materialized views for the refresh tests: `mv.a_top` reads `mv.z_totals` (so name order is the wrong refresh
 * order), `mv.lazy` is WITH NO DATA on the source, and `mv.broken` fails to refresh on the target (its target
 * definition divides by zero on the copied data).
 */
export const MATVIEW_DDL = (side: 'source' | 'target') => `
DROP SCHEMA IF EXISTS mv CASCADE; CREATE SCHEMA mv;
CREATE TABLE mv.base (id int PRIMARY KEY, v int NOT NULL);
CREATE MATERIALIZED VIEW mv.z_totals AS SELECT count(*) AS n, coalesce(sum(v), 0) AS total FROM mv.base;
CREATE MATERIALIZED VIEW mv.a_top AS SELECT n, total, total * 2 AS doubled FROM mv.z_totals;
CREATE MATERIALIZED VIEW mv.lazy AS SELECT id FROM mv.base WITH NO DATA;
CREATE MATERIALIZED VIEW mv.broken AS SELECT ${side === 'source' ? 'v' : '1 / (v - 5)'} AS x FROM mv.base;`;

export const MATVIEW_SEED =
  'INSERT INTO mv.base SELECT i, i FROM generate_series(1, 10) AS i; REFRESH MATERIALIZED VIEW mv.z_totals; REFRESH MATERIALIZED VIEW mv.a_top; REFRESH MATERIALIZED VIEW mv.broken;';
