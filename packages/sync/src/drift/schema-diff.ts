import type { Catalog, TableInfo } from '../catalog/catalog-types.js';
import { displayName, displayPart } from '../sql/qualified-name.js';
import type { SchemaDifference } from './drift-types.js';

type Diff = Omit<SchemaDifference, 'source' | 'target'> & { source?: string; target?: string };

function compareNamed<T>(
  source: readonly T[],
  target: readonly T[],
  name: (item: T) => string,
  describe: (item: T) => string,
  emit: (name: string, difference: SchemaDifference['difference'], s?: string, t?: string) => void,
): void {
  const targetByName = new Map(target.map((item) => [name(item), item]));
  const sourceNames = new Set(source.map(name));
  for (const item of source) {
    const twin = targetByName.get(name(item));
    if (twin === undefined) emit(name(item), 'missing-on-target', describe(item));
    else if (describe(twin) !== describe(item)) emit(name(item), 'different', describe(item), describe(twin));
  }
  for (const item of target)
    if (!sourceNames.has(name(item))) emit(name(item), 'extra-on-target', undefined, describe(item));
}

const columnText = (c: TableInfo['columns'][number]) =>
  `${c.type}${c.notNull ? ' NOT NULL' : ''}${c.generated ? ' GENERATED' : ''}${c.collation ? ` COLLATE ${c.collation}` : ''}`;

/**
 * What differs between two catalogs: tables, columns (type, nullability, generated, collation), row keys, indexes
 * (by name, compared by definition) and enums (labels in order). `tableIds` limits tables to a selection.
 */
export function diffSchemas(
  source: Catalog,
  target: Catalog,
  tableIds?: ReadonlySet<string>,
): SchemaDifference[] {
  const out: SchemaDifference[] = [];
  const push = (d: Diff) => out.push({ source: undefined, target: undefined, ...d });
  const pick = (tables: readonly TableInfo[]) =>
    tableIds ? tables.filter((t) => tableIds.has(t.id)) : tables;
  const targetById = new Map(target.tables.map((t) => [t.id, t]));
  compareNamed(
    pick(source.tables),
    pick(target.tables),
    (t) => t.display,
    () => 'table',
    (object, difference) => push({ kind: 'table', object, difference }),
  );
  for (const table of pick(source.tables)) {
    const twin = targetById.get(table.id);
    if (twin === undefined) continue;
    compareNamed(
      table.columns,
      twin.columns,
      (c) => c.name,
      columnText,
      (name, difference, s, t) =>
        push({
          kind: 'column',
          object: `${table.display}.${displayPart(name)}`,
          difference,
          source: s,
          target: t,
        }),
    );
    const keyText = (t: TableInfo) => (t.key ? `${t.key.source} (${t.key.columns.join(', ')})` : 'none');
    if (keyText(table) !== keyText(twin)) {
      push({
        kind: 'key',
        object: table.display,
        difference: 'different',
        source: keyText(table),
        target: keyText(twin),
      });
    }
    compareNamed(
      table.indexes,
      twin.indexes,
      (i) => i.name,
      (i) => i.definition,
      (name, difference, s, t) =>
        push({ kind: 'index', object: `${table.display} ${name}`, difference, source: s, target: t }),
    );
  }
  compareNamed(
    source.enums,
    target.enums,
    (e) => displayName(e.schema, e.name),
    (e) => e.labels.join(', '),
    (object, difference, s, t) => push({ kind: 'enum', object, difference, source: s, target: t }),
  );
  return out;
}
