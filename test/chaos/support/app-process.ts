import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../fixtures/outbox-app.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface AppProcessOptions {
  readonly primaryUrl: string;
  readonly backupUrl: string;
  readonly role: 'mixed' | 'contend';
  readonly seed: number;
  readonly label: string;
  readonly maxWrites?: number;
}

export interface AppProcessState {
  readonly writes: number;
  readonly failed: number;
  readonly leader: boolean;
  readonly done:
    | { readonly writes: number; readonly failed: Record<string, number>; readonly drained: boolean }
    | undefined;
}

/** The outbox app fixture in its own Node process, its JSON-lines events folded into a state. */
export class AppProcess {
  readonly child: ChildProcess;
  #state: AppProcessState = { writes: 0, failed: 0, leader: false, done: undefined };
  #stderr = '';
  #exited = false;
  readonly #exit: Promise<number | null>;
  readonly #listeners = new Set<() => void>();

  constructor(options: AppProcessOptions) {
    const args = [options.primaryUrl, options.backupUrl, options.role, String(options.seed), options.label];
    if (options.maxWrites !== undefined) args.push(String(options.maxWrites));
    this.child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) this.#event(JSON.parse(line) as Record<string, unknown>);
      this.#notify();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    this.#exit = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.#exited = true;
        this.#notify();
        resolve(code);
      }),
    );
  }

  get state(): AppProcessState {
    return this.#state;
  }

  /** Resolves once `predicate` holds for the process's state; rejects if it exits first or on timeout. */
  until(predicate: (state: AppProcessState) => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`app process timed out:\n${this.#stderr}`)), timeoutMs);
      const check = () => {
        if (predicate(this.#state)) finish();
        else if (this.#exited) finish(new Error(`app process exited early:\n${this.#stderr}`));
      };
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** SIGKILL: no drain, no cleanup, connections dropped by the kernel. */
  async kill(): Promise<void> {
    if (!this.#exited) this.child.kill('SIGKILL');
    await this.#exit;
  }

  /** Asks the process to stop its workload, drain and exit; resolves with its final report. */
  async stop(): Promise<NonNullable<AppProcessState['done']>> {
    this.child.stdin?.write('stop\n');
    await this.until((s) => s.done !== undefined);
    await this.#exit;
    return this.#state.done as NonNullable<AppProcessState['done']>;
  }

  /** Waits for a process that stops by itself (maxWrites). */
  async finished(timeoutMs = 120_000): Promise<NonNullable<AppProcessState['done']>> {
    await this.until((s) => s.done !== undefined, timeoutMs);
    await this.#exit;
    return this.#state.done as NonNullable<AppProcessState['done']>;
  }

  #event(event: Record<string, unknown>): void {
    if (event.event === 'progress')
      this.#state = {
        ...this.#state,
        writes: Number(event.writes),
        failed: Number(event.failed),
        leader: event.leader === true,
      };
    if (event.event === 'done')
      this.#state = {
        ...this.#state,
        writes: Number(event.writes),
        done: event as unknown as NonNullable<AppProcessState['done']>,
      };
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
