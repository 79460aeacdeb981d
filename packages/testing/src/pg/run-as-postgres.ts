import { execFile, execFileSync } from 'node:child_process';
import { chown } from 'node:fs/promises';

export interface PostgresAccount {
  readonly uid: number;
  readonly gid: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface RunOutput {
  readonly stdout: string;
  readonly stderr: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
let cachedAccount: PostgresAccount | null | undefined;

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** uid/gid of the `postgres` OS user, or undefined when there is none. */
export function postgresAccount(): PostgresAccount | undefined {
  if (cachedAccount === undefined) {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      cachedAccount = { uid: id('-u'), gid: id('-g') };
    } catch {
      cachedAccount = null;
    }
  }
  return cachedAccount ?? undefined;
}

/** Hands a path we created (as root) to the postgres user so the server can write there. */
export async function giveToPostgres(path: string): Promise<void> {
  const account = isRoot() ? postgresAccount() : undefined;
  if (account) await chown(path, account.uid, account.gid);
}

// The server binaries refuse to run as root: go through `runuser` then (it keeps the environment).
function command(file: string, args: readonly string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, [...args]];
}

/** Runs a PostgreSQL binary as the postgres user (directly when not root); rejects with its stderr. */
export function runAsPostgres(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunOutput> {
  const [cmd, cmdArgs] = command(file, args);
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      cmdArgs,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim() || stdout.trim() || error.message;
          reject(new Error(`${[file, ...args].join(' ')} failed: ${detail}`, { cause: error }));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** Synchronous variant for process-exit cleanup, where nothing asynchronous runs any more. */
export function runAsPostgresSync(
  file: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): void {
  const [cmd, cmdArgs] = command(file, args);
  execFileSync(cmd, cmdArgs, { cwd, timeout: timeoutMs, stdio: 'ignore' });
}
