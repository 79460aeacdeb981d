/** The 1M-row table of the sync benchmarks (bench/sync.ts, bench/cli.ts): bigint key, int, numeric, text, timestamptz. */
export const ITEMS_TABLE = 'bench.items';
export const ITEMS_DDL = `CREATE SCHEMA bench; CREATE TABLE bench.items (id bigint PRIMARY KEY, account int NOT NULL,
  amount numeric(12, 2), label text, created timestamptz NOT NULL);`;
/** Fills `bench.items` with `rows` rows from generate_series, then analyzes it. */
export const itemsFill = (rows: number) => `INSERT INTO bench.items SELECT i, i % 1000, (i % 100000) / 7.0,
  'item ' || md5(i::text), timestamptz '2024-01-01' + i * interval '1 second' FROM generate_series(1, ${rows}) AS i;
  ANALYZE bench.items;`;
