import type { DatabaseName } from './database-name.js';

/** One problem found in a split-schema declaration. Every problem is reported, not only the first. */
export type SplitSchemaIssue =
  | { readonly type: 'NoSchemas'; readonly database: DatabaseName }
  | {
      readonly type: 'SchemaListedTwice';
      readonly schema: string;
      readonly databases: readonly DatabaseName[];
    }
  | { readonly type: 'UnassignedSchema'; readonly schema: string; readonly objects: readonly string[] }
  | { readonly type: 'UnusedSchema'; readonly schema: string; readonly database: DatabaseName }
  | { readonly type: 'PublicSchemaTable'; readonly table: string }
  | { readonly type: 'DuplicateTable'; readonly table: string; readonly keys: readonly string[] }
  | {
      readonly type: 'CrossDatabaseForeignKey';
      readonly table: string;
      readonly constraint: string;
      readonly references: string;
      readonly from: DatabaseName;
      readonly to: DatabaseName;
    }
  | {
      readonly type: 'CrossDatabaseRelation';
      readonly relation: string;
      readonly table: string;
      readonly references: string;
      readonly from: DatabaseName;
      readonly to: DatabaseName;
    }
  | {
      readonly type: 'CrossDatabaseEnum';
      readonly table: string;
      readonly column: string;
      readonly enum: string;
      readonly from: DatabaseName;
      readonly to: DatabaseName;
    };

export type SplitSchemaIssueType = SplitSchemaIssue['type'];

export function describeIssue(issue: SplitSchemaIssue): string {
  switch (issue.type) {
    case 'NoSchemas':
      return `the ${issue.database} database lists no schemas`;
    case 'SchemaListedTwice':
      return `schema "${issue.schema}" is listed more than once (${issue.databases.join(', ')}): each schema lives in exactly one database`;
    case 'UnassignedSchema':
      return `schema "${issue.schema}" is in neither database (used by ${issue.objects.join(', ')}): add it to primary.schemas or data.schemas`;
    case 'UnusedSchema':
      return `schema "${issue.schema}" is listed for ${issue.database} but no table or enum uses it (typo?)`;
    case 'PublicSchemaTable':
      return `table "${issue.table}" is in the default public schema: declare it with pgSchema(...).table so it belongs to one database`;
    case 'DuplicateTable':
      return `table "${issue.table}" is declared by more than one object (${issue.keys.join(', ')})`;
    case 'CrossDatabaseForeignKey':
      return `foreign key ${issue.constraint} on ${issue.table} (${issue.from}) references ${issue.references} (${issue.to}): foreign keys cannot cross databases`;
    case 'CrossDatabaseRelation':
      return `relation ${issue.relation} on ${issue.table} (${issue.from}) points to ${issue.references} (${issue.to}): relations cannot cross databases`;
    case 'CrossDatabaseEnum':
      return `column ${issue.table}.${issue.column} (${issue.from}) uses enum ${issue.enum} (${issue.to}): types cannot cross databases`;
  }
}

export function describeIssues(issues: readonly SplitSchemaIssue[]): string {
  const plural = issues.length === 1 ? 'problem' : 'problems';
  return `invalid split schema (${issues.length} ${plural}):\n${issues.map((i) => `  - ${describeIssue(i)}`).join('\n')}`;
}
