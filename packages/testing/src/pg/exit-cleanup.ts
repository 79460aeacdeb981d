import { rmSync } from 'node:fs';
import { pgBinary } from './pg-binaries.js';
import { runAsPostgresSync } from './run-as-postgres.js';

// Best-effort safety net for processes that die without calling PgCluster.stop(): stop every
// server we started (by data dir only) and remove the temp dirs.
const runningDataDirs = new Set<string>();
const tempRoots = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function cleanUpSync(): void {
  for (const dataDir of runningDataDirs) {
    try {
      runAsPostgresSync(
        pgBinary('pg_ctl'),
        ['-D', dataDir, '-m', 'fast', '-w', '-t', '10', 'stop'],
        '/',
        15_000,
      );
    } catch {
      // Already stopped or unstoppable; nothing more we can do at exit.
    }
  }
  runningDataDirs.clear();
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
  tempRoots.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanUpSync();
  for (const sig of SIGNALS) process.removeListener(sig, onSignal);
  // Our listener disabled the default action; re-raise so the process still ends, unless other
  // listeners (already called for this signal) own that decision.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', cleanUpSync);
  for (const sig of SIGNALS) process.once(sig, onSignal);
}

export const exitCleanup = {
  serverStarted(dataDir: string): void {
    install();
    runningDataDirs.add(dataDir);
  },
  serverStopped(dataDir: string): void {
    runningDataDirs.delete(dataDir);
  },
  tempRootCreated(root: string): void {
    install();
    tempRoots.add(root);
  },
  tempRootRemoved(root: string): void {
    tempRoots.delete(root);
  },
};
