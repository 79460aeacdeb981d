import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/dual-write-worker.ts', import.meta.url));

export interface Worker {
  readonly child: ChildProcess;
  readonly isLeader: boolean;
  readonly writes: number;
  /** Resolves when the worker's output satisfies `predicate`. */
  until(predicate: (worker: Worker) => boolean, timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
}

/** Starts the crash-test worker in its own Node process (tsx loader), reading its JSON-lines events. */
export function startWorker(primaryUrl: string, backupUrl: string, role: 'writer' | 'drainer'): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, primaryUrl, backupUrl, role], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let leader = false;
  let writes = 0;
  let exited = false;
  let stderr = '';
  const listeners = new Set<() => void>();
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as { event: string; n?: number };
      if (event.event === 'leader') leader = true;
      if (event.event === 'wrote') writes = event.n ?? writes;
    }
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      for (const listener of listeners) listener();
      resolve();
    }),
  );
  const worker: Worker = {
    child,
    get isLeader() {
      return leader;
    },
    get writes() {
      return writes;
    },
    until(predicate, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(worker)) done(resolve);
          else if (exited) done(() => reject(new Error(`worker exited early:\n${stderr.slice(-2000)}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`worker timed out:\n${stderr.slice(-2000)}`))),
          timeoutMs,
        );
        const done = (finish: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          finish();
        };
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
  };
  return worker;
}
