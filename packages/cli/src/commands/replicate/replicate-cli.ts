import { redactText } from '@multidb/config';
import type { ReplicationError, ReplicationStatus, SetupOptions } from '@multidb/replicate';
import { Presets, SingleBar } from 'cli-progress';
import { type CliIo, EXIT, wantsProgress } from '../../sync/cli-io.js';
import { resolveDatabaseUrls } from '../../sync/database-urls.js';
import { parseReplicateArgs, REPLICATE_USAGE } from './replicate-args.js';

/** `multidb replicate <action>`: returns the exit code. Everything printed is free of credentials. */
export async function runReplicateCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseReplicateArgs(argv);
  if (args.isOk() && args.value.help) {
    io.stdout.write(REPLICATE_USAGE);
    return EXIT.ok;
  }
  const json = args.isOk() && args.value.json;
  const fail = (type: string, message: string, code: number = EXIT.usage): number => {
    const text = redactText(message);
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, error: { type, message: text } })}\n`);
    io.stderr.write(`replicate: ${text}\n${type === 'UsageError' ? `\n${REPLICATE_USAGE}` : ''}`);
    return code;
  };
  if (args.isErr()) return fail('UsageError', args.error.message);
  const flags = args.value;
  const urls = resolveDatabaseUrls(flags, io.env);
  if (urls.isErr()) return fail('UsageError', urls.error.message);
  const replicate = await import('@multidb/replicate');
  const options: SetupOptions = {
    primary: urls.value.source,
    backup: urls.value.target,
    ...(flags.publisherUrl === undefined ? {} : { publisherUrl: flags.publisherUrl }),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.tables === undefined ? {} : { tables: flags.tables }),
    truncate: flags.truncate,
    skipCopy: flags.skipCopy,
    timeoutMs: flags.timeoutMs,
  };
  const failed = (error: ReplicationError) =>
    fail(
      error.type,
      error.message,
      error.type === 'InvalidOptions' || error.type === 'ConnectFailed' ? EXIT.usage : EXIT.failure,
    );
  const print = (value: unknown, text: string) =>
    io.stdout.write(json ? `${redactText(JSON.stringify(value, null, 2))}\n` : redactText(text));

  switch (flags.action) {
    case 'check': {
      const result = await replicate.checkReplication(options);
      if (result.isErr()) return failed(result.error);
      const { problems, tables } = result.value;
      print(
        { ok: problems.length === 0, problems, tables },
        problems.length === 0
          ? `ready: ${tables.length} table(s) can be replicated\n`
          : `${problems.length} problem(s):\n${problems.map((p) => `  [${p.side}] ${p.check}: ${p.message}`).join('\n')}\n`,
      );
      return problems.length === 0 ? EXIT.ok : EXIT.failure;
    }
    case 'setup': {
      const bar = wantsProgress(io, json) ? progressBar(io) : undefined;
      const result = await replicate.setupReplication({
        ...options,
        onProgress: ({ ready, total }) => {
          bar?.setTotal(total);
          bar?.update(ready);
        },
      });
      bar?.stop();
      if (result.isErr()) {
        if (json && result.error.type === 'PreflightFailed') {
          io.stdout.write(`${redactText(JSON.stringify({ ok: false, error: result.error }, null, 2))}\n`);
          io.stderr.write(`replicate: ${redactText(result.error.message)}\n`);
          return EXIT.failure;
        }
        return failed(result.error);
      }
      const r = result.value;
      print(
        { ok: true, ...r },
        `replicating ${r.tables.length} table(s) as ${r.name}${r.copied ? ', initial copy done' : ''} in ${r.ms} ms\n`,
      );
      return EXIT.ok;
    }
    case 'status': {
      const result = await replicate.replicationStatus(options);
      if (result.isErr()) return failed(result.error);
      print(result.value, formatStatus(result.value));
      return result.value.healthy ? EXIT.ok : EXIT.failure;
    }
    case 'sync-sequences': {
      const result = await replicate.syncSequences(options);
      if (result.isErr()) return failed(result.error);
      const { synced, missing } = result.value;
      print(
        { ok: missing.length === 0, ...result.value },
        `${synced.length} sequence(s) set on the backup${missing.length > 0 ? `; missing on the backup: ${missing.join(', ')}` : ''}\n`,
      );
      return missing.length === 0 ? EXIT.ok : EXIT.failure;
    }
    case 'teardown': {
      const result = await replicate.teardownReplication(options);
      if (result.isErr()) return failed(result.error);
      const r = result.value;
      print(
        { ok: r.leftOnPrimary.length === 0, ...r },
        `subscription ${r.subscriptionDropped ? 'dropped' : 'not found'}, publication ${r.publicationDropped ? 'dropped' : 'not found'}, slot ${r.slotDropped ? 'dropped' : 'not found'}${r.leftOnPrimary.length > 0 ? `\nleft on the primary: ${r.leftOnPrimary.join('; ')} (run teardown again when it is back)` : ''}\n`,
      );
      return r.leftOnPrimary.length === 0 ? EXIT.ok : EXIT.failure;
    }
    default:
      return fail('UsageError', 'a subcommand is needed');
  }
}

function progressBar(io: CliIo): SingleBar {
  const bar = new SingleBar(
    {
      stream: io.stdout as NodeJS.WritableStream,
      format: ' {bar} {value}/{total} tables copied',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(1, 0);
  return bar;
}

function formatStatus(s: ReplicationStatus): string {
  const lines = [
    `${s.name}: ${s.healthy ? 'healthy' : 'NOT healthy'}${s.subscribed ? (s.enabled ? '' : ' (disabled)') : ' (not set up)'}`,
    `  lag ${s.lagBytes === undefined ? 'unknown' : `${s.lagBytes} bytes`}${s.lagMs === undefined ? '' : `, ${Math.round(s.lagMs)} ms`}; errors: ${s.applyErrors} apply, ${s.syncErrors} copy`,
  ];
  if (s.slot) {
    lines.push(
      `  slot ${s.slot.active ? 'active' : 'inactive'}, wal_status ${s.slot.walStatus ?? 'unknown'}, ${s.slot.retainedBytes} bytes of WAL held${s.slot.safeWalBytes === null ? '' : `, ${s.slot.safeWalBytes} bytes before it is invalidated`}`,
    );
  }
  for (const t of s.tables) lines.push(`  ${t.state.padEnd(13)} ${t.table}`);
  for (const w of s.warnings) lines.push(`  ! ${w}`);
  return `${lines.join('\n')}\n`;
}
