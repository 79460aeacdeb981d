import { runLagCli } from '@multidb/router';

// `pnpm db:lag [--json] [--watch N]`: per-replica lag of the configured topology; see runLagCli for exit codes.
process.exitCode = await runLagCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
