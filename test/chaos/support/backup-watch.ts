import type { DualWriter } from '@multidb/dual-write';

/** What the backup path looked like while a scenario ran, sampled from `writer.metrics()`. */
export interface BackupObservations {
  /** Distinct (redacted) `lastError` texts seen while the backup was unreachable. */
  readonly errors: readonly string[];
  readonly peakDepth: number;
  /** Largest `oldestPendingAgeMs`: how far behind the backup fell. */
  readonly peakLagMs: number;
  /** Total time `backupReachable` was false. */
  readonly unreachableMs: number;
  /** Ms from the start of the watch until `backupReachable` first turned false (undefined: never). */
  readonly detectedAfterMs: number | undefined;
}

/** Samples a writer's metrics every `everyMs` until stopped. */
export function watchBackup(writer: DualWriter, everyMs = 25): { stop(): BackupObservations } {
  const errors = new Set<string>();
  let peakDepth = 0;
  let peakLagMs = 0;
  let unreachableMs = 0;
  const started = performance.now();
  let last = started;
  let detectedAfterMs: number | undefined;
  const sample = () => {
    const now = performance.now();
    const m = writer.metrics();
    peakDepth = Math.max(peakDepth, m.depth);
    peakLagMs = Math.max(peakLagMs, m.oldestPendingAgeMs);
    if (!m.backupReachable) {
      if (m.lastError !== undefined) errors.add(m.lastError);
      unreachableMs += now - last;
      detectedAfterMs ??= now - started;
    }
    last = now;
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { errors: [...errors], peakDepth, peakLagMs, unreachableMs, detectedAfterMs };
    },
  };
}

const KINDS = [
  'CONNECT_TIMEOUT',
  'BackupTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'statement timeout',
  'lock timeout',
  'terminating connection',
];

/** Short error kinds for the report: `CONNECT_TIMEOUT`, `ECONNRESET`, a SQLSTATE, ... */
export function errorKinds(errors: readonly string[]): string[] {
  const kinds = errors.map(
    (e) => KINDS.find((kind) => e.includes(kind)) ?? /\b[0-9A-Z]{5}\b/.exec(e)?.[0] ?? e.slice(0, 40),
  );
  return [...new Set(kinds)];
}
