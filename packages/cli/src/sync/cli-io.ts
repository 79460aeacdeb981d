/** What a CLI run reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT by the entry script: the run stops between chunks. */
  readonly signal?: AbortSignal;
}

/** 0 done/clean, 1 failed (sync) or drift found (drift), 2 bad arguments, configuration or setup. */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2 });

/** Progress bars only for a person at a terminal: not with --json, not in CI, not into a pipe. */
export function wantsProgress(io: CliIo, json: boolean): boolean {
  return !json && io.stdout.isTTY === true && !io.env.CI;
}
