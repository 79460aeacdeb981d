import { describeError, quoteIdentifier, quoteLiteral } from '@multidb/config';
import { sql } from 'drizzle-orm';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import { preflight } from './preflight.js';
import type { PublishedTable } from './published-tables.js';
import { closeSides, openSide, type Settled, type Side, settleOptions } from './replication-sides.js';
import type { ReplicationError, ReplicationProblem, SetupOptions, SetupReport } from './replication-types.js';

const POLL_MS = 200;

/**
 * Sets the backup up as a logical replica of the primary: pre-flight (every problem reported at once, nothing
 * created), then a publication of the tables on the primary, a subscription on the backup with the initial copy,
 * and a wait until every table is ready. A failure while creating undoes what was created.
 */
export function setupReplication(options: SetupOptions): ResultAsync<SetupReport, ReplicationError> {
  return new ResultAsync(run(options));
}

/** Only the pre-flight: the problems that would stop `setupReplication`, nothing created. */
export function checkReplication(
  options: SetupOptions,
): ResultAsync<
  { readonly problems: readonly ReplicationProblem[]; readonly tables: readonly string[] },
  ReplicationError
> {
  return new ResultAsync(
    withSides(options, async (primary, backup, settled) => {
      const found = await preflight(primary, backup, settled, copyOptions(options));
      return ok({ problems: found.problems, tables: found.tables.map((t) => t.display) });
    }),
  );
}

function copyOptions(options: SetupOptions) {
  return { copy: options.skipCopy !== true, truncate: options.truncate === true };
}

async function withSides<T>(
  options: SetupOptions,
  body: (primary: Side, backup: Side, settled: Settled) => Promise<Result<T, ReplicationError>>,
): Promise<Result<T, ReplicationError>> {
  const settled = settleOptions(options);
  if (settled.isErr()) return err(settled.error);
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    return err({
      type: 'InvalidOptions',
      message: `timeoutMs must be a positive number, got ${options.timeoutMs}`,
    });
  }
  const primary = await openSide(options.primary, 'primary');
  if (primary.isErr()) return err(primary.error);
  const backup = await openSide(options.backup, 'backup');
  if (backup.isErr()) {
    await closeSides(primary.value);
    return err(backup.error);
  }
  try {
    return await body(primary.value, backup.value, settled.value);
  } catch (error) {
    return err({ type: 'SetupFailed', message: describeError(error) });
  } finally {
    await closeSides(primary.value, backup.value);
  }
}

async function run(options: SetupOptions): Promise<Result<SetupReport, ReplicationError>> {
  const started = performance.now();
  return withSides(options, async (primary, backup, settled) => {
    const { copy, truncate } = copyOptions(options);
    const found = await preflight(primary, backup, settled, { copy, truncate });
    if (found.problems.length > 0) {
      return err({
        type: 'PreflightFailed',
        message: `logical replication cannot be set up: ${found.problems.length} problem(s)\n${found.problems
          .map((p) => `- [${p.side}] ${p.check}: ${p.message}`)
          .join('\n')}`,
        problems: found.problems,
      });
    }
    const tables = found.tables;
    const names = tables.map((t) => t.sqlName).join(', ');
    const name = quoteIdentifier(settled.name);
    const truncated = copy && truncate && found.nonEmpty.length > 0;
    try {
      if (truncated) await backup.rows(`truncate table ${names}`);
      await primary.rows(`create publication ${name} for table ${names}`);
    } catch (error) {
      await primary.rows(`drop publication if exists ${name}`).catch(() => {});
      return err({
        type: 'SetupFailed',
        message: `could not create the publication: ${describeError(error)}`,
      });
    }
    try {
      await backup.rows(`create subscription ${name} connection ${quoteLiteral(settled.publisherUrl)}
        publication ${name} with (copy_data = ${copy}, slot_name = ${quoteLiteral(settled.name)})`);
    } catch (error) {
      // Nothing half-made stays behind: the slot (if CREATE got that far) goes with the subscription.
      await backup.rows(`drop subscription if exists ${name}`).catch(() => {});
      await primary.rows(`drop publication if exists ${name}`).catch(() => {});
      return err({
        type: 'SetupFailed',
        message: `could not create the subscription: ${describeError(error)}`,
      });
    }
    if (copy) {
      const waited = await waitForCopy(backup, settled.name, tables, options);
      if (waited.isErr()) return err(waited.error);
    }
    return ok({
      name: settled.name,
      tables: tables.map((t) => t.display),
      copied: copy,
      truncated,
      ms: Math.round(performance.now() - started),
    });
  });
}

async function waitForCopy(
  backup: Side,
  name: string,
  tables: readonly PublishedTable[],
  options: SetupOptions,
): Promise<Result<void, ReplicationError>> {
  const deadline = performance.now() + (options.timeoutMs ?? 600_000);
  let last = -1;
  for (;;) {
    const rows = await backup.rows<{ ready: number; total: number; sync_errors: number }>(sql`select
        count(*) filter (where r.srsubstate = 'r')::int as ready, count(*)::int as total,
        coalesce((select sync_error_count::int from pg_stat_subscription_stats where subname = ${name}), 0)
          as sync_errors
      from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid where s.subname = ${name}`);
    const { ready = 0, total = 0, sync_errors = 0 } = rows[0] ?? {};
    if (ready !== last) {
      options.onProgress?.({ ready: Number(ready), total: tables.length });
      last = ready;
    }
    if (Number(total) === tables.length && Number(ready) === Number(total)) return ok(undefined);
    if (performance.now() > deadline) {
      const waiting = await backup.rows<{
        table: string;
      }>(sql`select format('%s.%s', n.nspname, c.relname) as "table"
        from pg_subscription_rel r join pg_subscription s on s.oid = r.srsubid
        join pg_class c on c.oid = r.srrelid join pg_namespace n on n.oid = c.relnamespace
        where s.subname = ${name} and r.srsubstate <> 'r'`);
      return err({
        type: 'InitialCopyFailed',
        message: `the initial copy did not finish in ${options.timeoutMs ?? 600_000} ms: ${ready} of ${tables.length} tables ready, ${sync_errors} copy error(s) on the backup (see its server log; a table with rows on the backup fails its copy). The subscription keeps trying; \`multidb replicate status\` shows it, \`multidb replicate teardown\` undoes it`,
        tables: waiting.map((w) => w.table),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
