import type { ForeignKeyInfo, TableInfo } from './catalog-types.js';

/** One step of the copy order: a single table, or a group of tables whose foreign keys form a cycle. */
export interface CopyStep {
  readonly tables: readonly TableInfo[];
  /** True for a group of tables that reference each other, or one table that references itself. */
  readonly cycle: boolean;
  /** The foreign keys inside the group (what makes it a cycle). */
  readonly cycleKeys: readonly ForeignKeyInfo[];
}

/**
 * Referenced tables before referencing ones (Tarjan's strongly connected components over "references" edges: a
 * component is emitted after everything it references). Foreign keys to tables outside the selection are ignored.
 */
export function dependencyOrder(
  tables: readonly TableInfo[],
  foreignKeys: readonly ForeignKeyInfo[],
): CopyStep[] {
  const byId = new Map(tables.map((t) => [t.id, t]));
  const edges = new Map<string, Set<string>>(tables.map((t) => [t.id, new Set<string>()]));
  for (const fk of foreignKeys) {
    if (byId.has(fk.from) && byId.has(fk.to)) edges.get(fk.from)?.add(fk.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const steps: CopyStep[] = [];
  let counter = 0;

  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    for (const next of [...(edges.get(id) ?? [])].sort()) {
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id) as number, index.get(next) as number));
      }
    }
    if (low.get(id) !== index.get(id)) return;
    const members: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      members.push(member);
      if (member === id) break;
    }
    const inGroup = new Set(members);
    const cycleKeys = foreignKeys.filter((fk) => inGroup.has(fk.from) && inGroup.has(fk.to));
    steps.push({
      tables: members.map((m) => byId.get(m) as TableInfo).sort((a, b) => a.display.localeCompare(b.display)),
      cycle: cycleKeys.length > 0,
      cycleKeys,
    });
  };
  for (const table of [...tables].sort((a, b) => a.display.localeCompare(b.display))) {
    if (!index.has(table.id)) visit(table.id);
  }
  return steps;
}
