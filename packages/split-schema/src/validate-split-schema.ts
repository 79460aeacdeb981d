import { getTableConfig, isPgEnum, type PgTable } from 'drizzle-orm/pg-core';
import { DATABASE_NAMES, type DatabaseName } from './database-name.js';
import { type RelationTargets, relationsV1Targets, relationsV2Targets } from './drizzle-line.js';
import {
  collectSchemaEntries,
  qualifiedTableName,
  type SchemaEntries,
  type TableEntry,
} from './schema-entries.js';
import { modulesOf, type SplitSchemaDeclaration } from './split-declaration.js';
import type { SplitSchemaIssue } from './split-issues.js';

type Owner = (schema: string | undefined) => DatabaseName | undefined;

/**
 * Every problem of a split declaration, in a stable order; empty when it is valid. Cross-database foreign keys
 * and relations are always refused, so a layout declared for one database can be split later.
 */
export function validateSplitSchema(declaration: SplitSchemaDeclaration): SplitSchemaIssue[] {
  const entries = collectSchemaEntries([
    ...modulesOf(declaration.tables),
    ...modulesOf(declaration.relations),
  ]);
  const issues: SplitSchemaIssue[] = [];
  const listed = new Map<string, DatabaseName[]>();
  for (const database of DATABASE_NAMES) {
    const schemas = declaration[database].schemas;
    if (schemas.length === 0) issues.push({ type: 'NoSchemas', database });
    for (const schema of schemas) listed.set(schema, [...(listed.get(schema) ?? []), database]);
  }
  for (const [schema, databases] of listed) {
    if (databases.length > 1) issues.push({ type: 'SchemaListedTwice', schema, databases });
  }
  const owner: Owner = (schema) => (schema === undefined ? undefined : listed.get(schema)?.[0]);

  issues.push(...schemaAssignmentIssues(entries, listed));
  issues.push(...duplicateTableIssues(entries.tables));
  for (const entry of entries.tables) issues.push(...tableIssues(entry, owner));
  for (const entry of entries.relations)
    issues.push(...relationIssues(entry.key, entry.table, relationsV1Targets(entry.relations), owner));
  for (const entry of entries.relationsV2)
    issues.push(...relationIssues(entry.key, entry.table, relationsV2Targets(entry.config), owner));
  return issues;
}

function schemaAssignmentIssues(
  entries: SchemaEntries,
  listed: ReadonlyMap<string, readonly DatabaseName[]>,
): SplitSchemaIssue[] {
  const issues: SplitSchemaIssue[] = [];
  const users = new Map<string, string[]>();
  const use = (schema: string, object: string) => users.set(schema, [...(users.get(schema) ?? []), object]);
  for (const t of entries.tables) {
    if (t.schema === undefined || t.schema === 'public')
      issues.push({ type: 'PublicSchemaTable', table: t.key });
    else use(t.schema, t.qualifiedName);
  }
  for (const e of entries.enums) if (e.schema !== undefined) use(e.schema, `enum ${e.qualifiedName}`);
  for (const schema of entries.declaredSchemas) if (!users.has(schema)) use(schema, `pgSchema("${schema}")`);
  for (const [schema, objects] of users) {
    if (!listed.has(schema)) issues.push({ type: 'UnassignedSchema', schema, objects });
  }
  for (const [schema, databases] of listed) {
    if (!users.has(schema))
      issues.push({ type: 'UnusedSchema', schema, database: databases[0] as DatabaseName });
  }
  return issues;
}

function duplicateTableIssues(tables: readonly TableEntry[]): SplitSchemaIssue[] {
  const byName = new Map<string, string[]>();
  for (const t of tables) byName.set(t.qualifiedName, [...(byName.get(t.qualifiedName) ?? []), t.key]);
  return [...byName]
    .filter(([, keys]) => keys.length > 1)
    .map(([table, keys]) => ({ type: 'DuplicateTable', table, keys }));
}

function tableIssues(entry: TableEntry, owner: Owner): SplitSchemaIssue[] {
  const from = owner(entry.schema);
  if (from === undefined) return [];
  const issues: SplitSchemaIssue[] = [];
  const config = getTableConfig(entry.table);
  for (const fk of config.foreignKeys) {
    const target = fk.reference().foreignTable;
    const to = owner(getTableConfig(target).schema);
    if (to !== undefined && to !== from) {
      issues.push({
        type: 'CrossDatabaseForeignKey',
        table: entry.qualifiedName,
        constraint: fk.getName(),
        references: qualifiedTableName(target),
        from,
        to,
      });
    }
  }
  for (const column of config.columns) {
    const columnEnum: unknown = (column as { enum?: unknown }).enum;
    if (!isPgEnum(columnEnum)) continue;
    const enumSchema = (columnEnum as { schema?: string }).schema;
    const to = owner(enumSchema);
    if (to !== undefined && to !== from) {
      issues.push({
        type: 'CrossDatabaseEnum',
        table: entry.qualifiedName,
        column: column.name,
        enum: `${enumSchema}.${columnEnum.enumName}`,
        from,
        to,
      });
    }
  }
  return issues;
}

/**
 * Relations of one table (v1 `relations(table, ...)` export `key`, or v2 table key `key` of `defineRelations`)
 * that reach a table of the other database: its target, or for a v2 many-to-many its junction (`through`).
 */
function relationIssues(
  key: string,
  table: PgTable,
  relations: readonly RelationTargets[],
  owner: Owner,
): SplitSchemaIssue[] {
  const from = owner(getTableConfig(table).schema);
  if (from === undefined) return [];
  const issues: SplitSchemaIssue[] = [];
  for (const relation of relations) {
    for (const target of relation.tables) {
      const to = owner(getTableConfig(target).schema);
      if (to === undefined || to === from) continue;
      issues.push({
        type: 'CrossDatabaseRelation',
        relation: `${key}.${relation.name}`,
        table: qualifiedTableName(table),
        references: qualifiedTableName(target),
        from,
        to,
      });
    }
  }
  return issues;
}
