import { ok, type Result } from 'neverthrow';
import type { TableInfo } from '../catalog/catalog-types.js';
import { type CopyStep, dependencyOrder } from '../catalog/dependency-order.js';
import { selectTables, type TableSelectionError } from '../catalog/select-tables.js';
import { pairTables, pairWholeTable, type TablePair, type TablePairError } from '../catalog/table-pair.js';
import type { OpenDatabases } from '../endpoint/open-databases.js';
import { type CycleMode, chooseCycleMode } from './cycle-mode.js';

export interface PlannedTable {
  readonly table: TableInfo;
  readonly pair: Result<TablePair, TablePairError>;
  /** No usable key: copied whole (emptied and filled in one transaction) instead of by keyset chunks. */
  readonly whole: boolean;
}

function planTable(table: TableInfo, target: TableInfo | undefined): PlannedTable {
  const keyed = pairTables(table, target);
  if (keyed.isErr() && keyed.error.type === 'NoKey')
    return { table, pair: pairWholeTable(table, target), whole: true };
  return { table, pair: keyed, whole: false };
}

export interface PlannedStep {
  readonly step: CopyStep;
  readonly mode: CycleMode;
  readonly tables: readonly PlannedTable[];
}

/** The selected tables in foreign-key order, each matched with its target twin, each cycle with its mode. */
export async function planSync(
  dbs: OpenDatabases,
  names: readonly string[] | undefined,
): Promise<Result<PlannedStep[], TableSelectionError>> {
  const selected = selectTables(dbs.sourceCatalog.tables, names);
  if (selected.isErr()) return selected.map(() => []);
  const targetById = new Map(dbs.targetCatalog.tables.map((t) => [t.id, t]));
  const steps: PlannedStep[] = [];
  for (const step of dependencyOrder(selected.value, dbs.sourceCatalog.foreignKeys)) {
    steps.push({
      step,
      mode: await chooseCycleMode(step, dbs.targetCatalog.foreignKeys, dbs.target),
      tables: step.tables.map((table) => planTable(table, targetById.get(table.id))),
    });
  }
  return ok(steps);
}
