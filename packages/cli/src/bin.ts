#!/usr/bin/env node
import { runMultidb } from './run-multidb.js';

const argv = process.argv.slice(2);
// Ctrl-C stops `multidb sync` between chunks: what committed is kept and resumed by the next run. Other commands
// keep Node's default (`lag --watch` installs its own handler).
const controller = new AbortController();
if (argv[0] === 'sync') process.once('SIGINT', () => controller.abort());
process.exitCode = await runMultidb(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
