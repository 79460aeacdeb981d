import { parseArgs } from 'node:util';

export interface DemoArgs {
  readonly json: boolean;
  readonly pg: boolean;
  readonly help: boolean;
  /** `--serve`: keep the ops page open on 127.0.0.1 (`--port`, default a free one). */
  readonly serve: boolean;
  readonly port: number;
}

export const USAGE = `Usage: pnpm demo [--json] [--pg] [--serve [--port N]]

The toolkit's whole story, shown happening: a router over a primary, replicas and a DR node, dual-write to a
backup, the reference tRPC app under a mixed workload, a replica failure, replica lag and read-your-writes, a
backup outage and catch-up, sync:backup into a fresh backup, drift found and repaired; then a short report.

  (default)  embedded PGlite in ./.demo-data (reset on every run): no server needed
  --pg       the same story on real PostgreSQL clusters from @multidb/testing (needs the server binaries:
             Debian package postgresql, or PG_BIN)
  --json     one JSON document on stdout (no progress, no prose)
  --serve    the ops page on http://127.0.0.1 (URL and token printed on stderr) during the story, then kept
             open with a replica failing and coming back, until Ctrl-C; --port N picks the port
  --help     this text

Exit codes: 0 every claim held, 1 a claim did not hold (named in the output), 2 bad arguments.
`;

/** Strict: an unknown flag is a usage error (`undefined`), never ignored. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs | undefined {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'boolean' },
        pg: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        serve: { type: 'boolean' },
        port: { type: 'string' },
      },
    });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || (values.port !== undefined && !values.serve))
      return undefined;
    return {
      json: values.json === true,
      pg: values.pg === true,
      help: values.help === true,
      serve: values.serve === true,
      port,
    };
  } catch {
    return undefined;
  }
}
