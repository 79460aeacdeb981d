/** A database object a migration statement creates, as far as repair can check it. */
export type MigrationObject =
  | { readonly kind: 'schema'; readonly name: string }
  | { readonly kind: 'table' | 'view' | 'sequence' | 'type'; readonly schema: string; readonly name: string }
  | { readonly kind: 'index'; readonly schema: string; readonly name: string }
  | { readonly kind: 'column'; readonly schema: string; readonly table: string; readonly name: string }
  | { readonly kind: 'constraint'; readonly schema: string; readonly table: string; readonly name: string };

export interface ParsedMigration {
  readonly objects: readonly MigrationObject[];
  /** Statements repair cannot prove were applied (drops, alters of existing objects, data changes). */
  readonly unverifiable: readonly string[];
}

const IDENT = '"((?:[^"]|"")+)"';
const QUALIFIED = `(?:${IDENT}\\.)?${IDENT}`;
const unquote = (s: string | undefined) => (s ?? '').replaceAll('""', '"');
const re = (pattern: string) => new RegExp(`^${pattern}`, 'i');

const SCHEMA = re(`CREATE SCHEMA (?:IF NOT EXISTS )?${IDENT}`);
const TABLE = re(`CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?${QUALIFIED}\\s*\\(`);
const TYPE = re(`CREATE TYPE ${QUALIFIED}`);
const SEQUENCE = re(`CREATE SEQUENCE (?:IF NOT EXISTS )?${QUALIFIED}`);
const VIEW = re(`CREATE (?:OR REPLACE )?(?:MATERIALIZED )?VIEW ${QUALIFIED}`);
const INDEX = re(
  `CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?${IDENT} ON (?:ONLY )?${QUALIFIED}`,
);
const ADD_CONSTRAINT = re(`ALTER TABLE (?:ONLY )?${QUALIFIED} ADD CONSTRAINT ${IDENT}`);
const ADD_COLUMN = re(`ALTER TABLE (?:ONLY )?${QUALIFIED} ADD COLUMN (?:IF NOT EXISTS )?${IDENT}`);
const TABLE_COLUMN = /^\s*"((?:[^"]|"")+)"\s/;

function withoutComments(statement: string): string {
  return statement
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .trim()
    .replace(/;\s*$/, '');
}

function tableColumns(statement: string, schema: string, table: string): MigrationObject[] {
  const body = statement.slice(statement.indexOf('(') + 1);
  return body
    .split('\n')
    .map((line) => TABLE_COLUMN.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
    .map((name) => ({ kind: 'column', schema, table, name: unquote(name) }));
}

type Rule = readonly [RegExp, (m: RegExpExecArray, statement: string) => MigrationObject[]];
const inSchema = (schema: string | undefined) => unquote(schema) || 'public';

const RULES: readonly Rule[] = [
  [SCHEMA, (m) => [{ kind: 'schema', name: unquote(m[1]) }]],
  [
    TABLE,
    (m, statement) => {
      const [schema, name] = [inSchema(m[1]), unquote(m[2])];
      return [{ kind: 'table', schema, name }, ...tableColumns(statement, schema, name)];
    },
  ],
  [TYPE, (m) => [{ kind: 'type', schema: inSchema(m[1]), name: unquote(m[2]) }]],
  [SEQUENCE, (m) => [{ kind: 'sequence', schema: inSchema(m[1]), name: unquote(m[2]) }]],
  [VIEW, (m) => [{ kind: 'view', schema: inSchema(m[1]), name: unquote(m[2]) }]],
  [INDEX, (m) => [{ kind: 'index', schema: inSchema(m[2]), name: unquote(m[1]) }]],
  [
    ADD_CONSTRAINT,
    (m) => [{ kind: 'constraint', schema: inSchema(m[1]), table: unquote(m[2]), name: unquote(m[3]) }],
  ],
  [
    ADD_COLUMN,
    (m) => [{ kind: 'column', schema: inSchema(m[1]), table: unquote(m[2]), name: unquote(m[3]) }],
  ],
];

/** The objects a drizzle-kit migration creates. Anything it cannot map to an object is `unverifiable`. */
export function parseMigrationObjects(statements: readonly string[]): ParsedMigration {
  const objects: MigrationObject[] = [];
  const unverifiable: string[] = [];
  for (const raw of statements) {
    const statement = withoutComments(raw);
    if (statement === '') continue;
    const found = RULES.map(([pattern, build]) => {
      const m = pattern.exec(statement);
      return m === null ? undefined : build(m, statement);
    }).find((result) => result !== undefined);
    if (found === undefined) unverifiable.push(statement.split('\n')[0]?.slice(0, 120) ?? statement);
    else objects.push(...found);
  }
  return { objects, unverifiable };
}

export function describeObject(object: MigrationObject): string {
  switch (object.kind) {
    case 'schema':
      return `schema ${object.name}`;
    case 'column':
    case 'constraint':
      return `${object.kind} ${object.schema}.${object.table}.${object.name}`;
    default:
      return `${object.kind} ${object.schema}.${object.name}`;
  }
}
