import { runDriftCli } from '@multidb/sync';

process.exitCode = await runDriftCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
