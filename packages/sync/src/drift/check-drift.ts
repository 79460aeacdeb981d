import { describeError } from '@multidb/config';
import { err, ok, type Result, ResultAsync } from 'neverthrow';
import type { TableInfo } from '../catalog/catalog-types.js';
import { dependencyOrder } from '../catalog/dependency-order.js';
import { selectTables } from '../catalog/select-tables.js';
import { pairTables, pairWholeTable } from '../catalog/table-pair.js';
import { type OpenDatabases, openDatabases } from '../endpoint/open-databases.js';
import { DEFAULT_BATCH_SIZE } from '../sync/sync-options.js';
import { copyWholeTable } from '../sync/whole-table-copy.js';
import { type DriftSettings, driftSettings } from './drift-options.js';
import type {
  DriftError,
  DriftOptions,
  DriftReport,
  RepairOutcome,
  TableDriftReport,
} from './drift-types.js';
import { deleteExtra, upsertFromSource } from './repair-table.js';
import { diffSchemas } from './schema-diff.js';
import { type TableDrift, tableDrift } from './table-drift.js';

const isClean = (t: TableDriftReport) =>
  t.status === 'clean' || t.status === 'skipped' || (t.status === 'drift' && t.repair?.verified === true);

type RepairEntry = { upserted: number; deleted: number; replaced: boolean; error?: string };

/**
 * A table without a usable key is repaired by replacing it (emptied and copied whole in one transaction), up to
 * `maxReplaceRows` source rows.
 */
async function replaceWhole(
  dbs: OpenDatabases,
  table: TableInfo,
  found: TableDrift | undefined,
  settings: DriftSettings,
  entry: RepairEntry,
): Promise<void> {
  const pair = pairWholeTable(
    table,
    dbs.targetCatalog.tables.find((t) => t.id === table.id),
  );
  if (pair.isErr()) {
    entry.error = `cannot repair: ${pair.error.message}`;
    return;
  }
  const rows = found?.report.sourceRows ?? 0;
  if (rows > settings.maxReplaceRows) {
    entry.error =
      `not replaced: ${rows} rows on the source, more than maxReplaceRows (${settings.maxReplaceRows}); ` +
      'raise it (--max-replace-rows) to replace the table, or add a primary key';
    return;
  }
  const result = await copyWholeTable({
    source: dbs.source,
    target: dbs.target,
    pair: pair.value,
    runTargetTx: (fn) =>
      dbs.target.transaction(async (tx) => {
        await tx.execute('SET CONSTRAINTS ALL DEFERRED');
        return fn(tx);
      }),
    useCopy: dbs.source.supportsCopy && dbs.target.supportsCopy,
    batchSize: DEFAULT_BATCH_SIZE,
    referenced: dbs.targetCatalog.foreignKeys.some((k) => k.to === table.id),
  });
  entry.replaced = !result.unchanged;
  entry.upserted = result.rowsWritten;
  entry.deleted = result.unchanged ? 0 : (found?.report.targetRows ?? 0);
}

/** Repairs in foreign-key order (upserts parents first, deletes children first), then compares again. */
async function repairAll(
  dbs: OpenDatabases,
  found: Map<string, TableDrift>,
  settings: DriftSettings,
): Promise<Map<string, RepairOutcome>> {
  const tables = dbs.sourceCatalog.tables.filter((t) => found.get(t.id)?.report.status === 'drift');
  const order = dependencyOrder(tables, dbs.sourceCatalog.foreignKeys).flatMap((s) => s.tables);
  const counts = new Map<string, RepairEntry>();
  const attempt = async (id: string, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      const entry = counts.get(id);
      if (entry && entry.error === undefined) entry.error = describeError(error);
    }
  };
  for (const table of order) {
    const entry: RepairEntry = { upserted: 0, deleted: 0, replaced: false };
    counts.set(table.id, entry);
    if (table.key === undefined) {
      await attempt(table.id, () => replaceWhole(dbs, table, found.get(table.id), settings, entry));
      continue;
    }
    const pair = pairTables(
      table,
      dbs.targetCatalog.tables.find((t) => t.id === table.id),
    );
    if (pair.isErr()) entry.error = `cannot repair: ${pair.error.message}`;
    else if (found.get(table.id)?.report.truncated)
      entry.error = 'more differences than listed: repaired the listed ones only, run again';
    if (pair.isOk()) {
      const differences = found.get(table.id)?.differences ?? [];
      await attempt(table.id, async () => {
        entry.upserted = await upsertFromSource(
          dbs.source,
          dbs.target,
          pair.value,
          differences,
          DEFAULT_BATCH_SIZE,
        );
      });
    }
  }
  for (const table of [...order].reverse()) {
    const pair = pairTables(
      table,
      dbs.targetCatalog.tables.find((t) => t.id === table.id),
    );
    const entry = counts.get(table.id);
    if (pair.isErr() || entry === undefined || table.key === undefined) continue;
    await attempt(table.id, async () => {
      entry.deleted = await deleteExtra(
        dbs.target,
        pair.value,
        found.get(table.id)?.differences ?? [],
        DEFAULT_BATCH_SIZE,
      );
    });
  }
  const outcomes = new Map<string, RepairOutcome>();
  for (const table of order) {
    const again = await tableDrift(dbs, table, { ...settings, recheckDelayMs: 0 });
    const entry = counts.get(table.id) ?? { upserted: 0, deleted: 0, replaced: false };
    outcomes.set(table.id, { ...entry, error: entry.error, verified: again.report.status === 'clean' });
  }
  return outcomes;
}

async function run(
  options: DriftOptions,
  settings: DriftSettings,
  dbs: OpenDatabases,
): Promise<Result<DriftReport, DriftError>> {
  const started = settings.now();
  const selected = selectTables(dbs.sourceCatalog.tables, options.tables);
  if (selected.isErr()) return err(selected.error);
  const ids = options.tables?.length ? new Set(selected.value.map((t) => t.id)) : undefined;
  const schema = diffSchemas(dbs.sourceCatalog, dbs.targetCatalog, ids);
  const found = new Map<string, TableDrift>();
  for (const table of selected.value) found.set(table.id, await tableDrift(dbs, table, settings));
  const driftFound = schema.length > 0 || [...found.values()].some((t) => t.report.status === 'drift');
  const repairs =
    options.repair && driftFound ? await repairAll(dbs, found, settings) : new Map<string, RepairOutcome>();
  const tables = selected.value.map((t) => {
    const report = (found.get(t.id) as TableDrift).report;
    return { ...report, repair: repairs.get(t.id) };
  });
  return ok({
    clean: schema.length === 0 && tables.every(isClean),
    driftFound,
    errors: tables.some((t) => t.status === 'error'),
    repaired: repairs.size > 0,
    schema,
    tables,
    ms: settings.now() - started,
  });
}

/**
 * Compares the target with the source: schemas first (tables, columns, keys, indexes, enums), then per table the
 * row counts and checksums per key range, bisecting differing ranges down to missing, extra and changed rows,
 * rechecked after a delay. With `repair`, fixes the rows from the source and verifies again.
 */
export function checkDrift(options: DriftOptions): ResultAsync<DriftReport, DriftError> {
  return new ResultAsync(
    (async (): Promise<Result<DriftReport, DriftError>> => {
      const settings = driftSettings(options);
      if (settings.isErr()) return err(settings.error);
      const dbs = await openDatabases(options.source, options.target, options);
      if (dbs.isErr()) return err(dbs.error);
      try {
        return await run(options, settings.value, dbs.value);
      } finally {
        await dbs.value.close();
      }
    })(),
  );
}
