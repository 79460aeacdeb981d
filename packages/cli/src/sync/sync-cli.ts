import { redactText } from '@multidb/config';
import { syncBackup } from '@multidb/sync';
import { type CliIo, EXIT, wantsProgress } from './cli-io.js';
import { resolveDatabaseUrls } from './database-urls.js';
import { parseSyncArgs, SYNC_USAGE } from './sync-args.js';
import { SyncProgressBars } from './sync-progress-bars.js';
import { formatSyncSummary } from './sync-summary.js';

const SETUP_EXIT: Readonly<Record<string, number>> = {
  InvalidOptions: EXIT.usage,
  InvalidTableName: EXIT.usage,
  UnknownTable: EXIT.usage,
  AmbiguousTable: EXIT.usage,
  ConnectFailed: EXIT.failure,
  IntrospectionFailed: EXIT.failure,
};

/** `multidb sync` (`pnpm sync:backup`): returns the exit code. Everything printed is free of credentials. */
export async function runSyncCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseSyncArgs(argv);
  if (args.isOk() && args.value.help) {
    io.stdout.write(SYNC_USAGE);
    return EXIT.ok;
  }
  const fail = (code: number, type: string, message: string): number => {
    const text = redactText(message);
    if (args.isOk() && args.value.json)
      io.stdout.write(`${JSON.stringify({ ok: false, error: { type, message: text } })}\n`);
    io.stderr.write(
      `sync:backup: ${text}\n${code === EXIT.usage && type === 'UsageError' ? `\n${SYNC_USAGE}` : ''}`,
    );
    return code;
  };
  if (args.isErr()) return fail(EXIT.usage, 'UsageError', args.error.message);
  const flags = args.value;
  const urls = resolveDatabaseUrls(flags, io.env);
  if (urls.isErr()) return fail(EXIT.usage, 'UsageError', urls.error.message);

  const bars = wantsProgress(io, flags.json)
    ? new SyncProgressBars(io.stdout as NodeJS.WritableStream)
    : undefined;
  const result = await syncBackup({
    source: urls.value.source,
    target: urls.value.target,
    tables: flags.tables,
    batchSize: flags.batchSize,
    copyChunkRows: flags.chunkRows,
    lanes: flags.lanes,
    useCopy: flags.noCopy ? false : 'auto',
    dryRun: flags.dryRun,
    resumeFrom: flags.restart ? 'start' : 'checkpoint',
    refreshMaterializedViews: !flags.skipMatviews,
    onProgress: bars?.update,
    signal: io.signal,
  });
  bars?.stop();
  if (result.isErr())
    return fail(SETUP_EXIT[result.error.type] ?? EXIT.failure, result.error.type, result.error.message);
  const report = result.value;
  if (flags.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(formatSyncSummary(report));
  return report.ok ? EXIT.ok : EXIT.failure;
}
