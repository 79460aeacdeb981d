import { runSyncCli } from '@multidb/sync';

// Ctrl-C stops between chunks; what committed is kept and resumed by the next run.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.exitCode = await runSyncCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
