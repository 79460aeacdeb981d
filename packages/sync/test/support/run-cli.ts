import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `multidb` command behind each former root script (the CLI lives in packages/cli). */
const COMMANDS: Readonly<Record<string, string>> = {
  'sync-backup.ts': 'sync',
  'drift.ts': 'drift',
  'db-lag.ts': 'lag',
  'db-migrate.ts': 'migrate',
};
const cliArgs = (script: string): string[] => ['packages/cli/src/bin.ts', COMMANDS[script] ?? script];

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `npx tsx packages/cli/src/bin.ts <command>` in its own process group (so a kill reaches tsx's child too). */
export function startCli(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  done: Promise<CliRun>;
} {
  const child = spawn('npx', ['tsx', ...cliArgs(script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CI: 'true', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return startCli(script, args, env).done;
}

/** SIGKILL to the whole process group: no cleanup, like a crash. */
export function killGroup(child: ChildProcess): void {
  if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
}
