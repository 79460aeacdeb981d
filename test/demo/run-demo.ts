import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { DemoReport } from '../../scripts/demo/report.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface DemoRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as one JSON document (`--json`); `undefined` when it is not exactly that. */
  readonly report: DemoReport | undefined;
}

/** Runs `tsx scripts/demo.ts <args>` from the repository root, as CI does (CI=true, no TTY). */
export function runDemo(args: readonly string[], timeoutMs = 240_000): Promise<DemoRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('scripts', 'demo.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, CI: 'true' }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let report: DemoReport | undefined;
        try {
          report = JSON.parse(stdout) as DemoReport;
        } catch {
          report = undefined;
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr, report });
      },
    );
  });
}
