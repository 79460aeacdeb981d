/** The last drift check between the primary and the backup, as the ops page and the Prometheus exposition show it. */
export interface DriftReading {
  /** ISO time the check finished. */
  readonly checkedAt: string;
  /** No difference found and every table compared (`DriftReport.clean` of `@multidb/sync`). */
  readonly ok: boolean;
  /** Schema differences plus missing, extra and changed rows, over every table (0 when the check failed). */
  readonly differences: number;
  readonly tables: number;
  readonly durationSeconds: number;
  /** The failure kind (`DriftError.type`) when the check could not run; never a message or a URL. */
  readonly error: string | null;
}

/** Where the last drift result comes from (a `driftRecorder()`, or anything that keeps one). */
export interface DriftSource {
  latest(): DriftReading | undefined;
}

/** The part of `checkDrift()`'s `DriftReport` (`@multidb/sync`) a recorder reads. Structural: no dependency. */
export interface DriftReportLike {
  readonly clean: boolean;
  readonly schema: readonly unknown[];
  readonly tables: readonly {
    readonly missing: number;
    readonly extra: number;
    readonly changed: number;
  }[];
  readonly ms: number;
}

export interface DriftRecorder extends DriftSource {
  /** Records a finished check. */
  record(report: DriftReportLike): DriftReading;
  /** Records a check that could not run, by the kind of its error (`DriftError.type`). */
  recordFailure(type: string): DriftReading;
}

/**
 * Keeps the latest drift result for the ops page and the exposition:
 * `(await checkDrift(opts)).match((r) => drift.record(r), (e) => drift.recordFailure(e.type))`.
 */
export function driftRecorder(now: () => Date = () => new Date()): DriftRecorder {
  let last: DriftReading | undefined;
  return {
    latest: () => last,
    record(report) {
      const rows = report.tables.reduce((n, t) => n + t.missing + t.extra + t.changed, 0);
      last = {
        checkedAt: now().toISOString(),
        ok: report.clean,
        differences: report.schema.length + rows,
        tables: report.tables.length,
        durationSeconds: report.ms / 1000,
        error: null,
      };
      return last;
    },
    recordFailure(type) {
      last = {
        checkedAt: now().toISOString(),
        ok: false,
        differences: 0,
        tables: 0,
        durationSeconds: 0,
        error: /^[A-Za-z][\w-]{0,63}$/.test(type) ? type : 'error',
      };
      return last;
    },
  };
}

/** One reading of a drift source; a source that throws counts as none. */
export function driftReading(source: DriftSource | undefined): DriftReading | undefined {
  try {
    return source?.latest();
  } catch {
    return undefined;
  }
}
