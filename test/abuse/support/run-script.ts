import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `multidb` command behind each former root script (the CLI lives in packages/cli); other scripts run as they are. */
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  'sync-backup.ts': ['sync'],
  'drift.ts': ['drift'],
  'db-lag.ts': ['lag'],
  'db-migrate.ts': ['migrate', '--layout', 'packages/example-app/src/layout.ts'],
};
const cliArgs = (script: string): string[] => {
  const command = COMMANDS[script];
  return command === undefined ? [`scripts/${script}`] : ['packages/cli/src/bin.ts', ...command];
};

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the `multidb` command of `<script>` the way `pnpm <command>` does (tsx, from the repository root) with exactly the given
 * environment on top of PATH/HOME, and captures everything it prints.
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 120_000,
): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...cliArgs(script), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
