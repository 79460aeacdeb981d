import { describeError } from '@multidb/config';
import { sql } from 'drizzle-orm';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import { closeSides, DEFAULT_NAME, openSide } from './replication-sides.js';
import type { ReplicationError } from './replication-types.js';

/**
 * The tables the primary publishes under `name` (`schema.table`): give them to dual-write's `ignoreTables` so a
 * replicated table is not also applied by dual-write (one engine per table; dual-write keeps the others).
 */
export function replicatedTables(
  primary: string,
  name: string = DEFAULT_NAME,
): ResultAsync<string[], ReplicationError> {
  return new ResultAsync(run(primary, name));
}

async function run(url: string, name: string): Promise<Result<string[], ReplicationError>> {
  const primary = await openSide(url, 'primary');
  if (primary.isErr()) return err(primary.error);
  try {
    const rows = await primary.value.rows<{
      table: string;
    }>(sql`select format('%s.%s', schemaname, tablename) as "table"
      from pg_publication_tables where pubname = ${name} order by 1`);
    return ok(rows.map((r) => r.table));
  } catch (error) {
    return err({
      type: 'StatementFailed',
      side: 'primary',
      message: `could not list the published tables: ${describeError(error)}`,
    });
  } finally {
    await closeSides(primary.value);
  }
}
