import { describeError, quoteIdentifier } from '@multidb/config';
import { isBookkeepingSchema } from '@multidb/sync';
import { sql } from 'drizzle-orm';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import { closeSides, openSide, settleOptions } from './replication-sides.js';
import type { ReplicationError, ReplicationOptions, SequenceSyncReport } from './replication-types.js';

/**
 * Logical replication does not carry sequences (through PostgreSQL 18): copies each sequence's position from the
 * primary to the backup with `setval(…, last_value, is_called)`, so a promoted backup does not hand out ids the
 * primary already used. Idempotent: run it on a schedule and before a promotion. Sequences of system and
 * bookkeeping schemas are left alone; a sequence the backup lacks is reported, not created.
 */
export function syncSequences(
  options: ReplicationOptions,
): ResultAsync<SequenceSyncReport, ReplicationError> {
  return new ResultAsync(run(options));
}

async function run(options: ReplicationOptions): Promise<Result<SequenceSyncReport, ReplicationError>> {
  const settled = settleOptions(options);
  if (settled.isErr()) return err(settled.error);
  const primary = await openSide(options.primary, 'primary');
  if (primary.isErr()) return err(primary.error);
  const backup = await openSide(options.backup, 'backup');
  if (backup.isErr()) {
    await closeSides(primary.value);
    return err(backup.error);
  }
  try {
    const sequences = (
      await primary.value.rows<{ schema: string; name: string }>(sql`select schemaname::text as schema,
          sequencename::text as name from pg_sequences
        where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`)
    ).filter((s) => !isBookkeepingSchema(s.schema));
    const schemas = settled.value.tables && new Set(settled.value.tables.map((t) => t.schema));
    const synced: string[] = [];
    const missing: string[] = [];
    for (const { schema, name } of sequences) {
      if (schemas && !schemas.has(schema)) continue;
      const qualified = `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
      const display = `${schema}.${name}`;
      const [there] = await backup.value.rows<{ exists: boolean }>(
        sql`select to_regclass(${qualified}) is not null as exists`,
      );
      if (!there?.exists) {
        missing.push(display);
        continue;
      }
      const [position] = await primary.value.rows<{ last_value: string; is_called: boolean }>(
        `select last_value::text as last_value, is_called from ${qualified}`,
      );
      if (position === undefined) continue;
      await backup.value.rows(
        sql`select setval(${qualified}::regclass, ${position.last_value}::bigint, ${position.is_called})`,
      );
      synced.push(display);
    }
    return ok({ synced, missing });
  } catch (error) {
    return err({
      type: 'StatementFailed',
      side: 'backup',
      message: `could not sync sequences: ${describeError(error)}`,
    });
  } finally {
    await closeSides(primary.value, backup.value);
  }
}
