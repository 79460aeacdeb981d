import { describeError } from '@multidb/config';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import type { TablePair } from '../catalog/table-pair.js';
import { type OpenDatabases, openDatabases } from '../endpoint/open-databases.js';
import type { SqlTx } from '../endpoint/sql-endpoint.js';
import { batchCopier } from './batch-copier.js';
import { CHECKPOINT_TABLE, type Checkpoint, CheckpointStore } from './checkpoint-store.js';
import type { TargetTxRunner } from './chunk-copier.js';
import { copyCopier } from './copy-copier.js';
import { copyTable, SyncAborted } from './copy-table.js';
import { REPLICA_ROLE_SQL } from './cycle-mode.js';
import { type MaterializedViewReport, refreshMaterializedViews } from './refresh-matviews.js';
import { validateSyncOptions } from './sync-options.js';
import { type PlannedStep, planSync } from './sync-plan.js';
import type { SyncError, SyncOptions, SyncProblem, SyncReport, TableSyncReport } from './sync-types.js';
import { copyWholeTable } from './whole-table-copy.js';

interface RunState {
  readonly dbs: OpenDatabases;
  readonly options: SyncOptions;
  readonly settings: {
    readonly batchSize: number;
    readonly copyChunkRows: number;
    readonly lanes: number;
    readonly useCopy: boolean;
  };
  readonly checkpoints: CheckpointStore;
  readonly resume: Map<string, Checkpoint[]>;
  readonly now: () => number;
  aborted: boolean;
}

const blank = (table: string, estimatedRows: number): TableSyncReport => ({
  table,
  status: 'planned',
  handling: undefined,
  strategy: undefined,
  mode: undefined,
  rowsRead: 0,
  rowsWritten: 0,
  resumedAfterRows: 0,
  estimatedRows,
  ms: 0,
  rowsPerSecond: 0,
  sequencesFixed: 0,
  reason: undefined,
  warnings: [],
});

async function rowsTotal(state: RunState, pair: TablePair): Promise<number> {
  if (pair.source.estimatedRows >= 0 || state.options.onProgress === undefined)
    return pair.source.estimatedRows;
  const [row] = await state.dbs.source.rows<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${pair.source.sqlName}`,
  );
  return Number(row?.n ?? 0);
}

async function runTable(
  state: RunState,
  pair: TablePair,
  runTargetTx: TargetTxRunner,
  direct: boolean,
  mode: TableSyncReport['mode'],
): Promise<TableSyncReport> {
  const { dbs, options, settings } = state;
  const copier = settings.useCopy
    ? copyCopier(dbs.source, pair, { chunkRows: settings.copyChunkRows, direct })
    : batchCopier(dbs.source, pair, settings.batchSize);
  const base = {
    ...blank(pair.source.display, pair.source.estimatedRows),
    handling: 'keyset' as const,
    strategy: copier.strategy,
    mode,
  };
  const started = state.now();
  const result = await copyTable({
    source: dbs.source,
    pair,
    copier,
    runTargetTx,
    checkpoints: state.checkpoints,
    resume: state.resume.get(pair.source.id),
    lanes: direct && settings.useCopy ? settings.lanes : 1,
    rowsTotal: await rowsTotal(state, pair),
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const ms = state.now() - started;
  const rowsPerSecond = ms > 0 ? Math.round((result.rowsRead * 1000) / ms) : result.rowsRead;
  return { ...base, ...result, status: 'copied', ms, rowsPerSecond, warnings: pair.warnings };
}

async function runWholeTable(
  state: RunState,
  pair: TablePair,
  runTargetTx: TargetTxRunner,
  mode: TableSyncReport['mode'],
): Promise<TableSyncReport> {
  const { dbs, options, settings } = state;
  if (options.signal?.aborted) throw new SyncAborted();
  const base = {
    ...blank(pair.source.display, pair.source.estimatedRows),
    handling: 'whole-table' as const,
    strategy: settings.useCopy ? ('copy' as const) : ('batch' as const),
    mode,
  };
  const started = state.now();
  const total = await rowsTotal(state, pair);
  const progress = (phase: 'start' | 'chunk' | 'done', rowsDone: number, chunks: number) =>
    options.onProgress?.({ table: pair.source.display, phase, rowsDone, rowsTotal: total, chunks });
  progress('start', 0, 0);
  let chunks = 0;
  const result = await copyWholeTable({
    source: dbs.source,
    target: dbs.target,
    pair,
    runTargetTx,
    useCopy: settings.useCopy,
    batchSize: settings.batchSize,
    referenced: dbs.targetCatalog.foreignKeys.some((k) => k.to === pair.target.id),
    onRows: (rows) => progress('chunk', rows, ++chunks),
  });
  progress('done', result.rowsRead, chunks);
  const ms = state.now() - started;
  const rowsPerSecond = ms > 0 ? Math.round((result.rowsRead * 1000) / ms) : result.rowsRead;
  const reason = result.unchanged
    ? 'no key: row count and checksum already equal, nothing written'
    : 'no key: emptied and copied whole in one transaction';
  return {
    ...base,
    status: 'copied',
    rowsRead: result.rowsRead,
    rowsWritten: result.rowsWritten,
    sequencesFixed: result.sequencesFixed,
    ms,
    rowsPerSecond,
    reason,
    warnings: pair.warnings,
  };
}

function failure(table: TableSyncReport, error: unknown, state: RunState): TableSyncReport {
  if (error instanceof SyncAborted) {
    state.aborted = true;
    return {
      ...table,
      status: 'aborted',
      reason: 'aborted; committed chunks are kept and resumed next time',
    };
  }
  state.options.onProgress?.({ table: table.table, phase: 'failed', rowsDone: 0, rowsTotal: 0, chunks: 0 });
  return { ...table, status: 'failed', reason: describeError(error) };
}

async function runStep(state: RunState, planned: PlannedStep): Promise<TableSyncReport[]> {
  const { target } = state.dbs;
  const reports: TableSyncReport[] = [];
  const pairs: TablePair[] = [];
  const whole = new Set(planned.tables.filter((t) => t.whole).map((t) => t.table.id));
  const copy = (pair: TablePair, runner: TargetTxRunner, direct: boolean) =>
    whole.has(pair.source.id)
      ? runWholeTable(state, pair, runner, planned.mode.kind)
      : runTable(state, pair, runner, direct, planned.mode.kind);
  for (const { table, pair } of planned.tables) {
    const base = { ...blank(table.display, table.estimatedRows), mode: planned.mode.kind };
    if (pair.isErr()) {
      state.options.onProgress?.({
        table: table.display,
        phase: 'failed',
        rowsDone: 0,
        rowsTotal: 0,
        chunks: 0,
      });
      reports.push({ ...base, status: 'failed', reason: pair.error.message });
    } else if (planned.mode.kind === 'blocked') {
      reports.push({ ...base, status: 'failed', reason: planned.mode.message });
    } else if (state.aborted) {
      reports.push({ ...base, status: 'aborted', reason: 'not started: the run was aborted' });
    } else pairs.push(pair.value);
  }
  if (planned.mode.kind === 'deferred') {
    try {
      const copied = await target.transaction(async (tx) => {
        await tx.execute('SET CONSTRAINTS ALL DEFERRED');
        const shared: TargetTxRunner = (fn) => fn(tx);
        const out: TableSyncReport[] = [];
        for (const pair of pairs) out.push(await copy(pair, shared, false));
        return out;
      });
      reports.push(...copied);
    } catch (error) {
      for (const pair of pairs) {
        const base = { ...blank(pair.source.display, pair.source.estimatedRows), mode: planned.mode.kind };
        reports.push(failure({ ...base, reason: undefined }, error, state));
      }
    }
    return reports;
  }
  const replica = planned.mode.kind === 'replica-role';
  const perChunk: TargetTxRunner = (fn) =>
    target.transaction(async (tx: SqlTx) => {
      if (replica) await tx.execute(REPLICA_ROLE_SQL);
      return fn(tx);
    });
  for (const pair of pairs) {
    try {
      reports.push(await copy(pair, perChunk, true));
    } catch (error) {
      const base = { ...blank(pair.source.display, pair.source.estimatedRows), mode: planned.mode.kind };
      reports.push(failure(base, error, state));
    }
  }
  return reports;
}

function dryRunReport(steps: readonly PlannedStep[], useCopy: boolean): TableSyncReport[] {
  return steps.flatMap((planned) =>
    planned.tables.map(({ table, pair, whole }) => {
      const base = {
        ...blank(table.display, table.estimatedRows),
        handling: whole ? ('whole-table' as const) : ('keyset' as const),
        mode: planned.mode.kind,
      };
      if (pair.isErr()) return { ...base, status: 'failed', reason: pair.error.message } as const;
      if (planned.mode.kind === 'blocked')
        return { ...base, status: 'failed', reason: planned.mode.message } as const;
      return { ...base, strategy: useCopy ? 'copy' : 'batch', warnings: pair.value.warnings } as const;
    }),
  );
}

async function refreshViews(
  options: SyncOptions,
  dbs: OpenDatabases,
  now: () => number,
): Promise<MaterializedViewReport[]> {
  const phase = { start: 'start', done: 'done', failed: 'failed' } as const;
  try {
    return await refreshMaterializedViews(dbs.source, dbs.target, {
      filter: options,
      dryRun: options.dryRun === true,
      now,
      onView: (view, at) =>
        options.onProgress?.({ table: view, phase: phase[at], rowsDone: 0, rowsTotal: 0, chunks: 0 }),
    });
  } catch (error) {
    const reason = `cannot read the materialized views: ${describeError(error)}`;
    return [{ view: '(materialized views)', status: 'failed', reason, ms: 0 }];
  }
}

async function run(
  options: SyncOptions,
  settings: { readonly batchSize: number; readonly copyChunkRows: number; readonly lanes: number },
  dbs: OpenDatabases,
): Promise<Result<SyncReport, SyncError>> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const plan = await planSync(dbs, options.tables);
  if (plan.isErr()) return err(plan.error);
  const useCopy = options.useCopy !== false && dbs.source.supportsCopy && dbs.target.supportsCopy;
  const order = plan.value.map((p) => p.step.tables.map((t) => t.display));
  const checkpoints = new CheckpointStore(dbs.target);
  let tables: TableSyncReport[];
  let aborted = false;
  if (options.dryRun) tables = dryRunReport(plan.value, useCopy);
  else {
    let resume: Map<string, Checkpoint[]>;
    try {
      await checkpoints.ensure();
      resume = options.resumeFrom === 'start' ? new Map() : await checkpoints.load();
    } catch (error) {
      const message = `cannot prepare the checkpoint table ${CHECKPOINT_TABLE} on the target: ${describeError(error)}`;
      return err({ type: 'CheckpointFailed', message });
    }
    const state: RunState = {
      dbs,
      options,
      settings: { ...settings, useCopy },
      checkpoints,
      resume,
      now,
      aborted: false,
    };
    tables = [];
    for (const planned of plan.value) tables.push(...(await runStep(state, planned)));
    aborted = state.aborted;
    const failed = tables.some((t) => t.status === 'failed');
    if (!failed && !aborted)
      await checkpoints.clear(plan.value.flatMap((p) => p.step.tables.map((t) => t.id)));
  }
  const materializedViews =
    aborted || options.refreshMaterializedViews === false ? [] : await refreshViews(options, dbs, now);
  const done = options.dryRun ? 'planned' : 'copied';
  const problems: SyncProblem[] = [
    ...tables
      .filter((t) => t.status !== done)
      .map((t) => ({ table: t.table, status: t.status, reason: t.reason ?? t.status })),
    ...materializedViews
      .filter((v) => v.status === 'failed')
      .map((v) => ({
        table: v.view,
        status: 'failed' as const,
        reason: `materialized view not refreshed: ${v.reason}`,
      })),
  ];
  return ok({
    ok: !aborted && problems.length === 0,
    problems,
    dryRun: options.dryRun === true,
    aborted,
    order,
    tables,
    materializedViews,
    rowsRead: tables.reduce((sum, t) => sum + t.rowsRead, 0),
    rowsWritten: tables.reduce((sum, t) => sum + t.rowsWritten, 0),
    ms: now() - started,
  });
}

/**
 * Copies every (or the named) table from `source` to `target` in foreign-key order: keyset chunks, idempotent
 * upserts, checkpoints on the target for resuming, COPY streams between real Postgres servers. Expected setup
 * failures are an `Err`; per-table failures are in the report.
 */
export function syncBackup(options: SyncOptions): ResultAsync<SyncReport, SyncError> {
  return new ResultAsync(
    (async (): Promise<Result<SyncReport, SyncError>> => {
      const valid = validateSyncOptions(options);
      if (valid.isErr()) return err(valid.error);
      const dbs = await openDatabases(options.source, options.target, options);
      if (dbs.isErr()) return err(dbs.error);
      try {
        return await run(options, valid.value, dbs.value);
      } finally {
        await dbs.value.close();
      }
    })(),
  );
}
