import { redactText } from '@multidb/config';
import { checkDrift } from '@multidb/sync';
import { type CliIo, EXIT } from './cli-io.js';
import { resolveDatabaseUrls } from './database-urls.js';
import { DRIFT_USAGE, parseDriftArgs } from './drift-args.js';
import { formatDriftSummary } from './drift-summary.js';

/** Exit codes of `pnpm drift`: 0 clean, 1 drift, 2 error. */
export const DRIFT_EXIT = Object.freeze({ clean: 0, drift: 1, error: 2 });

/** `multidb drift` (`pnpm drift`): returns the exit code. Everything printed is free of credentials. */
export async function runDriftCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseDriftArgs(argv);
  if (args.isOk() && args.value.help) {
    io.stdout.write(DRIFT_USAGE);
    return EXIT.ok;
  }
  const fail = (type: string, message: string): number => {
    const text = redactText(message);
    if (args.isOk() && args.value.json)
      io.stdout.write(`${JSON.stringify({ clean: false, error: { type, message: text } })}\n`);
    io.stderr.write(`drift: ${text}\n${type === 'UsageError' ? `\n${DRIFT_USAGE}` : ''}`);
    return DRIFT_EXIT.error;
  };
  if (args.isErr()) return fail('UsageError', args.error.message);
  const flags = args.value;
  const urls = resolveDatabaseUrls(flags, io.env);
  if (urls.isErr()) return fail('UsageError', urls.error.message);
  const result = await checkDrift({
    source: urls.value.source,
    target: urls.value.target,
    tables: flags.tables,
    repair: flags.repair,
    recheckDelayMs: flags.recheckDelayMs,
    chunkRows: flags.chunkRows,
    maxReplaceRows: flags.maxReplaceRows,
  });
  if (result.isErr()) return fail(result.error.type, result.error.message);
  const report = result.value;
  io.stdout.write(
    flags.json ? `${redactText(JSON.stringify(report, null, 2))}\n` : redactText(formatDriftSummary(report)),
  );
  if (report.errors) return DRIFT_EXIT.error;
  return report.clean ? DRIFT_EXIT.clean : DRIFT_EXIT.drift;
}
