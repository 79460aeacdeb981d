import { parseArgs } from 'node:util';
import {
  type ConfigOptions,
  connect,
  type DbHandle,
  isMultiDbError,
  loadConfig,
  redactUrl,
} from '@multidb/config';
import { describeFailure, LagInspector, type LagReport, type LagTarget } from '@multidb/router';

export interface LagCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Settings given in code (tests); each wins over its environment variable. */
  readonly config?: ConfigOptions;
  /** Stops `--watch` (default: SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
}

/** 0: every replica within limits; 1: a node unreachable, a lag unknown or over a limit; 2: bad config or flags. */
export type LagExitCode = 0 | 1 | 2;

const USAGE = `usage: multidb lag [--json] [--watch SECONDS] [--max-bytes N] [--max-seconds N] [--sample-ms N] [--timeout-ms N]
  Per-replica lag of the configured topology (DATABASE_URL, DATABASE_READ_REPLICA_<N>_URL, ..._DR_URL).
  Lag in seconds needs two samples: a single run samples twice, --sample-ms apart (default 1000).
  Exit codes: 0 ok, 1 a node unreachable or a lag unknown or over a limit, 2 bad configuration or flags.
`;

/** `pnpm db:lag`: per-replica lag from real SQL, measured by the router's own code. */
export async function runLagCli(argv: readonly string[], io: LagCliIo): Promise<LagExitCode> {
  const flags = parseFlags(argv);
  if (typeof flags === 'string') {
    io.stderr.write(`${flags}\n${USAGE}`);
    return 2;
  }
  const topology = loadConfig(io.config, io.env);
  if (topology.isErr()) {
    io.stderr.write(`${topology.error.message}\n`);
    return 2;
  }
  const { primaryUrl, replicas } = topology.value;
  const handles: DbHandle<Record<string, unknown>>[] = [];
  const open = async (name: string, role: LagTarget['role'], url: string): Promise<LagTarget> => {
    const handle = await connect(url, { max: 2, connectTimeout: Math.ceil(flags.timeoutMs / 1000) });
    handles.push(handle);
    return { name, role, safeUrl: redactUrl(url), db: handle.db };
  };
  try {
    const primary = await open('primary', 'primary', primaryUrl);
    const targets = await Promise.all(replicas.map((r) => open(r.name, r.role, r.url)));
    const inspector = new LagInspector(primary, targets, {
      limits: { maxBytes: flags.maxBytes, maxSeconds: flags.maxSeconds },
      timeoutMs: flags.timeoutMs,
    });
    // Lag in seconds needs the primary seen at two moments: a first round only seeds the history.
    await inspector.inspect();
    const signal = io.signal ?? (flags.watchSeconds === undefined ? undefined : stopSignal());
    await sleep(flags.sampleMs, signal);
    for (;;) {
      const report = await inspector.inspect();
      const json =
        flags.watchSeconds === undefined ? JSON.stringify(report, null, 2) : JSON.stringify(report);
      io.stdout.write(flags.json ? `${json}\n` : formatReport(report));
      if (flags.watchSeconds === undefined || signal?.aborted) return report.ok ? 0 : 1;
      await sleep(flags.watchSeconds * 1000, signal);
      if (signal?.aborted) return report.ok ? 0 : 1;
    }
  } catch (error) {
    // connect() parses the URL (a malformed one is a configuration error) and opens PGlite directories.
    io.stderr.write(`${describeFailure(error)}\n`);
    return isMultiDbError(error, 'InvalidUrl') ? 2 : 1;
  } finally {
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
  }
}

interface Flags {
  readonly json: boolean;
  readonly watchSeconds: number | undefined;
  readonly maxBytes: number;
  readonly maxSeconds: number;
  readonly sampleMs: number;
  readonly timeoutMs: number;
}

function parseFlags(argv: readonly string[]): Flags | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        json: { type: 'boolean' },
        watch: { type: 'string' },
        'max-bytes': { type: 'string' },
        'max-seconds': { type: 'string' },
        'sample-ms': { type: 'string' },
        'timeout-ms': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const number = (name: string, fallback: number, min: number): number | string => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const value = raw === 'Infinity' ? Number.POSITIVE_INFINITY : Number(raw);
    return Number.isNaN(value) || value < min ? `--${name} must be a number >= ${min}` : value;
  };
  const watch = values.watch === undefined ? undefined : number('watch', 0, 0.1);
  const parsed = {
    maxBytes: number('max-bytes', Number.POSITIVE_INFINITY, 0),
    maxSeconds: number('max-seconds', 30, 0),
    sampleMs: number('sample-ms', 1000, 0),
    timeoutMs: number('timeout-ms', 5000, 100),
  };
  for (const value of [watch, ...Object.values(parsed)]) if (typeof value === 'string') return value;
  return {
    json: values.json === true,
    watchSeconds: watch as number | undefined,
    ...(parsed as Omit<Flags, 'json' | 'watchSeconds'>),
  };
}

export function formatReport(report: LagReport): string {
  const rows = [
    ['node', 'role', 'state', 'receiver', 'paused', 'replay lsn', 'lag bytes', 'lag s', 'problem'],
    ...report.replicas.map((r) => [
      r.name,
      r.role,
      r.state,
      r.receiver ?? '-',
      r.replayPaused === null ? '-' : String(r.replayPaused),
      r.replayLsn ?? '-',
      r.lagBytes === null ? '?' : String(r.lagBytes),
      r.lagSeconds === null ? '?' : r.lagSeconds.toFixed(1),
      r.problem ?? 'ok',
    ]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  const table = rows.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const { primary } = report;
  const head = `${report.checkedAt}  primary ${primary.url}  wal ${primary.walLsn ?? '?'}${primary.problem ? `  ${primary.problem}` : ''}`;
  const replicaLines = report.replicas.length === 0 ? ['no replicas configured'] : table;
  const urls = report.replicas.map((r) => `  ${r.name}: ${r.url}`);
  return `${[head, ...replicaLines, ...urls, report.ok ? 'OK' : 'PROBLEM'].join('\n')}\n`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
