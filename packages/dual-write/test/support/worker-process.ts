import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { UrlDriver } from '@multidb/config';

const WORKER = fileURLToPath(new URL('../fixtures/dual-write-worker.ts', import.meta.url));

export interface Worker {
  readonly child: ChildProcess;
  readonly isLeader: boolean;
  readonly writes: number;
  /** The driver the worker opened its databases with (`DbHandle.kind`), once it is ready. */
  readonly driver: string | undefined;
  /** Resolves when the worker's output satisfies `predicate`. */
  until(predicate: (worker: Worker) => boolean, timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
}

/**
 * Starts the crash-test worker in its own Node process (tsx loader), reading its JSON-lines events. The worker
 * opens its URLs with `driver` (through `MULTIDB_DRIVER`; default postgres.js).
 */
export function startWorker(
  primaryUrl: string,
  backupUrl: string,
  role: 'writer' | 'drainer',
  driver: UrlDriver = 'postgres',
): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, primaryUrl, backupUrl, role], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MULTIDB_DRIVER: driver },
  });
  let leader = false;
  let writes = 0;
  let opened: string | undefined;
  let exited = false;
  let stderr = '';
  const listeners = new Set<() => void>();
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const event = JSON.parse(line) as { event: string; n?: number; driver?: string };
      if (event.event === 'ready') opened = event.driver;
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
    get driver() {
      return opened;
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
