/**
 * Everything in split-schema that differs between the drizzle-orm release lines (0.45 with drizzle-kit 0.31, and
 * 1.0 with drizzle-kit 1.0) is fenced here; the rest of the package is line-neutral and asks this module.
 *
 * - Migration folders: 0.31 writes `<folder>/meta/_journal.json` + `<idx>_<name>.sql`; 1.0 writes
 *   `<folder>/<YYYYMMDDHHmmss>_<name>/migration.sql` and its migrator refuses a folder with a journal.
 * - The migrations table: 1.0 adds `name` and `applied_at` and decides what is pending by name (so a migration
 *   older than the newest applied one still runs, out of order); 0.45 runs what is newer than the newest
 *   `created_at` (so such a migration is skipped forever).
 * - Relations: 0.45's `relations()` (v1, `Relations` objects per table, `schema` option); 1.0's
 *   `defineRelations(schema, r => ...)` (v2, one config object for all tables, `relations` option).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type DrizzleLine, drizzleLine, drizzleVersion, MultiDbError } from '@multidb/config';
// Namespace import: `defineRelations` exists on 1.0 only (a named import would not link on 0.45).
import * as orm from 'drizzle-orm';
import { entityKind, is, type SQL, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';

// ---------------------------------------------------------------------------------------------------------------
// Migration folders

/** `journal`: drizzle-kit 0.31 (`meta/_journal.json`); `folders`: drizzle-kit 1.0 (`<timestamp>_<name>/migration.sql`). */
export type MigrationFolderLayout = 'journal' | 'folders';

/** A migrations folder per release line, for a project that runs on both (the toolkit's own example app). */
export type MigrationFolders = { readonly [L in DrizzleLine]?: string };

const LAYOUT_OF_LINE: Record<DrizzleLine, MigrationFolderLayout> = { '0.45': 'journal', '1.0': 'folders' };

const describeLayout = (layout: MigrationFolderLayout) =>
  layout === 'journal'
    ? 'drizzle-kit 0.31 layout (meta/_journal.json)'
    : 'drizzle-kit 1.0 layout (<timestamp>_<name>/migration.sql)';

/** The layout the installed drizzle-orm's migrator reads. */
export function installedFolderLayout(): MigrationFolderLayout {
  return LAYOUT_OF_LINE[drizzleLine()];
}

/** The folder for the installed line: a plain path, or the entry of a per-line map (else `InvalidSplitSchema`). */
export function folderForInstalledLine(folder: string | MigrationFolders, database: string): string {
  if (typeof folder === 'string') return folder;
  const line = drizzleLine();
  const chosen = folder[line];
  if (chosen === undefined) {
    const given = Object.keys(folder).join(', ') || 'none';
    throw new MultiDbError(
      'InvalidSplitSchema',
      `${database}.migrations.folder has no folder for drizzle-orm ${line} (${drizzleVersion} is installed; folders given for: ${given})`,
      { database, line },
    );
  }
  return chosen;
}

/** One migration of a folder as the installed line's migrator reads it. */
export interface FolderEntry {
  /** 0.31: the journal tag (`0000_init`); 1.0: the folder name (`20260101120000_init`). */
  readonly tag: string;
  /** What drizzle records as `created_at`: the journal `when` (0.31), the folder's timestamp in ms (1.0). */
  readonly when: number;
  readonly path: string;
}

export type FolderReadError =
  | { readonly type: 'MigrationFolderUnreadable'; readonly message: string }
  | {
      readonly type: 'MigrationLayoutMismatch';
      readonly found: MigrationFolderLayout;
      readonly expected: MigrationFolderLayout;
      readonly message: string;
    };

function migrationSubfolders(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => existsSync(join(folder, name, 'migration.sql')))
    .sort((a, b) => a.localeCompare(b));
}

/** The layout a folder is in, `undefined` when it holds neither (missing, empty, or something else). */
export function folderLayoutOf(folder: string): MigrationFolderLayout | undefined {
  if (existsSync(join(folder, 'meta', '_journal.json'))) return 'journal';
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return undefined;
  return migrationSubfolders(folder).length > 0 ? 'folders' : undefined;
}

function mismatch(folder: string, found: MigrationFolderLayout): FolderReadError {
  const expected = installedFolderLayout();
  const fix =
    found === 'journal'
      ? `convert it with drizzle-kit 1.0: \`npx drizzle-kit up --dialect postgresql --out ${folder}\` (moves every migration into its own folder, same SQL; commit the result), or point the layout's migrations.folder at a folder in 1.0 layout`
      : `install drizzle-orm 1.0 with drizzle-kit 1.0 to use it, or point the layout's migrations.folder at a drizzle-kit 0.31 folder (a 1.0 folder cannot be turned back into a journal)`;
  return {
    type: 'MigrationLayoutMismatch',
    found,
    expected,
    message: `${folder} is in ${describeLayout(found)}, but the installed drizzle-orm ${drizzleVersion} migrates folders in ${describeLayout(expected)}; nothing was migrated: ${fix}`,
  };
}

/** Mirrors drizzle 1.0's `formatToMillis`: the folder name's 14-digit prefix as a UTC time. */
function folderMillis(name: string): number {
  const d = name.slice(0, 14);
  const n = (from: number, to: number) => Number.parseInt(d.slice(from, to), 10);
  return Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14));
}

/**
 * The migrations of a folder, in the order the installed line's migrator applies them; a folder in the other
 * line's layout is a `MigrationLayoutMismatch` (its migrator would refuse it or find nothing).
 */
export function listFolderEntries(folder: string): { ok: FolderEntry[] } | { error: FolderReadError } {
  const unreadable = (message: string) => ({
    error: { type: 'MigrationFolderUnreadable' as const, message },
  });
  const expected = installedFolderLayout();
  const found = folderLayoutOf(folder);
  if (found !== undefined && found !== expected) return { error: mismatch(folder, found) };
  if (expected === 'journal') {
    const journalPath = join(folder, 'meta', '_journal.json');
    if (found === undefined) return unreadable(`no meta/_journal.json in ${folder}`);
    let entries: { tag: string; when: number }[];
    try {
      entries = (JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: typeof entries }).entries;
    } catch (error) {
      return unreadable(`cannot parse ${journalPath}: ${(error as Error).message}`);
    }
    const listed = entries.map((e) => ({ tag: e.tag, when: e.when, path: join(folder, `${e.tag}.sql`) }));
    const missing = listed.find((e) => !existsSync(e.path));
    if (missing) return unreadable(`the journal lists ${missing.tag} but ${missing.path} does not exist`);
    return { ok: listed };
  }
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return unreadable(`no folder ${folder}`);
  const names = migrationSubfolders(folder);
  const bad = names.find((name) => !/^\d{14}/.test(name));
  if (bad !== undefined)
    return unreadable(`${join(folder, bad)} does not start with a YYYYMMDDHHmmss timestamp`);
  return {
    ok: names.map((name) => ({
      tag: name,
      when: folderMillis(name),
      path: join(folder, name, 'migration.sql'),
    })),
  };
}

/**
 * Throws the layout mismatch as `MultiDbError('DrizzleIncompatible')` (context: folder, found, expected) for callers
 * outside the report, e.g. the migrator wrapper.
 */
export function assertInstalledLayout(folder: string): void {
  const found = folderLayoutOf(folder);
  if (found === undefined || found === installedFolderLayout()) return;
  const problem = mismatch(folder, found);
  throw new MultiDbError('DrizzleIncompatible', problem.message, {
    folder,
    found,
    expected: installedFolderLayout(),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The migrations table

/** A row of drizzle's migrations table. */
export interface RecordRow {
  readonly id: number;
  readonly hash: string;
  readonly createdAt: number;
  /** `undefined`: the table has no `name` column (0.45's format); `null`: it has one, empty in this row. */
  readonly name: string | null | undefined;
}

/** What the comparison of a folder with the records needs to know per line. */
export interface PendingRule {
  /**
   * `newer-than-last` (0.45): only migrations newer than the newest recorded `created_at` run; an older unrecorded
   * one is skipped for good. `unrecorded` (1.0): every migration whose name is not recorded runs, in name order,
   * so an older one runs after newer ones (out of order).
   */
  readonly kind: 'newer-than-last' | 'unrecorded';
}

export function pendingRule(): PendingRule {
  return { kind: drizzleLine() === '0.45' ? 'newer-than-last' : 'unrecorded' };
}

const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * The file each record stands for, as the installed migrator matches them: 0.45 by `created_at` = journal `when`;
 * 1.0 by `name`, and in a table without the `name` column (written by 0.45; 1.0 upgrades it on its next run) as
 * its upgrade does: the folder whose timestamp is the `created_at` to the second, the hash breaking ties, else the
 * hash. A row of a 1.0 table with an empty name matches nothing (1.0's migrator would run its migration again).
 */
export function matchRecords<F extends { tag: string; when: number; hash: string }>(
  files: readonly F[],
  records: readonly RecordRow[],
): Map<RecordRow, F> {
  const matched = new Map<RecordRow, F>();
  if (drizzleLine() === '0.45') {
    const byWhen = new Map(files.map((f) => [f.when, f]));
    for (const r of records) {
      const file = byWhen.get(r.createdAt);
      if (file !== undefined) matched.set(r, file);
    }
    return matched;
  }
  const byName = new Map(files.map((f) => [f.tag, f]));
  for (const r of records) {
    let file: F | undefined;
    if (r.name === null) continue;
    if (r.name !== undefined) file = byName.get(r.name);
    else {
      const candidates = files.filter((f) => f.when === seconds(r.createdAt));
      file =
        candidates.length === 1
          ? candidates[0]
          : candidates.length > 1
            ? candidates.find((c) => c.hash === r.hash)
            : files.find((f) => f.hash === r.hash);
    }
    if (file !== undefined) matched.set(r, file);
  }
  return matched;
}

function tableSql(schema: string, table: string): SQL {
  return sql`${sql.identifier(schema)}.${sql.identifier(table)}`;
}

/** drizzle's own DDL for its migrations table, in the installed line's format. */
export function createMigrationsTableSql(schema: string, table: string): SQL {
  return drizzleLine() === '0.45'
    ? sql`CREATE TABLE IF NOT EXISTS ${tableSql(schema, table)} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`
    : sql`CREATE TABLE IF NOT EXISTS ${tableSql(schema, table)} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint, name text, applied_at timestamp with time zone DEFAULT now())`;
}

/** The record drizzle's migrator would insert for a migration (with `name` when the table has the column). */
export function insertRecordSql(
  schema: string,
  table: string,
  file: { tag: string; when: number; hash: string },
  hasName: boolean,
): SQL {
  return hasName
    ? sql`insert into ${tableSql(schema, table)} ("hash", "created_at", "name") values (${file.hash}, ${file.when}, ${drizzleLine() === '0.45' ? null : file.tag})`
    : sql`insert into ${tableSql(schema, table)} ("hash", "created_at") values (${file.hash}, ${file.when})`;
}

/**
 * Where the backup's and the PRIMARY's records part ways, `undefined` when they agree. 0.45: one history must be
 * a prefix of the other (records in `created_at` order). 1.0: one set must contain the other (migrations run by
 * name, so a behind backup may lack one in the middle); records are compared by their second and hash, which
 * also matches a row without a name to its named twin.
 */
export function historyDivergence(
  primary: readonly RecordRow[],
  backup: readonly RecordRow[],
): { index: number; primary: RecordRow | undefined; backup: RecordRow | undefined } | undefined {
  if (drizzleLine() === '0.45') {
    const same = (a: RecordRow, b: RecordRow) => a.hash === b.hash && a.createdAt === b.createdAt;
    const shorter = Math.min(primary.length, backup.length);
    for (let k = 0; k < shorter; k++) {
      if (!same(primary[k] as RecordRow, backup[k] as RecordRow))
        return { index: k, primary: primary[k], backup: backup[k] };
    }
    return undefined;
  }
  const key = (r: RecordRow) => `${seconds(r.createdAt)}:${r.hash}`;
  const keysOf = (rows: readonly RecordRow[]) => new Set(rows.map(key));
  const [inPrimary, inBackup] = [keysOf(primary), keysOf(backup)];
  const onlyPrimary = primary.findIndex((r) => !inBackup.has(key(r)));
  const onlyBackup = backup.findIndex((r) => !inPrimary.has(key(r)));
  if (onlyPrimary < 0 || onlyBackup < 0) return undefined;
  return {
    index: Math.min(onlyPrimary, onlyBackup),
    primary: primary[onlyPrimary],
    backup: backup[onlyBackup],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Relations

/** `true` when the class of `value` (or a parent class) has drizzle's entity kind `kind`, on either line. */
function hasKind(value: unknown, kind: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (let c = value.constructor as unknown; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    if ((c as { [entityKind]?: unknown })[entityKind] === kind) return true;
  }
  return false;
}

/** A relation as split-schema checks it: its name and every table it reaches (the target, a junction). */
export interface RelationTargets {
  readonly name: string;
  readonly tables: readonly PgTable[];
}

/** v1 `relations(table, ...)` (0.45, and 1.0's `drizzle-orm/_relations`): the same class shape on both lines. */
export interface RelationsV1 {
  readonly table: PgTable;
  readonly config: (helpers: never) => Record<string, unknown>;
}

export function isRelationsV1(value: unknown): value is RelationsV1 {
  return hasKind(value, 'Relations') && is((value as { table?: unknown }).table, PgTable);
}

/**
 * The relations of a v1 `Relations` object, read with stand-in `one`/`many` helpers that note the target (no
 * line-specific import; `relations()` names each result with `withFieldName`).
 */
export function relationsV1Targets(value: RelationsV1): RelationTargets[] {
  const note = (table: unknown) => ({
    [targetMark]: table,
    withFieldName() {
      return this;
    },
  });
  const config = (value.config as (helpers: object) => Record<string, unknown>)({ one: note, many: note });
  return Object.entries(config).flatMap(([name, relation]) => {
    const table = (relation as { [targetMark]?: unknown } | undefined)?.[targetMark];
    return is(table, PgTable) ? [{ name, tables: [table] }] : [];
  });
}

const targetMark = Symbol('multidb:relation-target');

/** One table's entry of a v2 relations config (`defineRelations` / `defineRelationsPart`). */
export interface RelationsV2Table {
  readonly table: PgTable;
  readonly name: string;
  readonly relations: Readonly<Record<string, unknown>>;
}

export type RelationsV2Config = Readonly<Record<string, RelationsV2Table>>;

/** `true` for the result of 1.0's `defineRelations(...)` / `defineRelationsPart(...)`. */
export function isRelationsV2Config(value: unknown): value is RelationsV2Config {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  const entries = Object.values(value);
  return (
    entries.length > 0 &&
    entries.every((e) => {
      const t = e as Partial<RelationsV2Table> | null;
      return (
        typeof t === 'object' &&
        t !== null &&
        is(t.table, PgTable) &&
        typeof t.name === 'string' &&
        typeof t.relations === 'object' &&
        t.relations !== null
      );
    })
  );
}

/** The relations of one table of a v2 config, with their target and junction (`through`) tables. */
export function relationsV2Targets(entry: RelationsV2Table): RelationTargets[] {
  return Object.entries(entry.relations).flatMap(([name, relation]) => {
    if (!hasKind(relation, 'RelationV2')) return [];
    const r = relation as { targetTable?: unknown; throughTable?: unknown };
    const tables = [r.targetTable, r.throughTable].filter((t): t is PgTable => is(t, PgTable));
    return [{ name, tables }];
  });
}

/**
 * What one database's client gets for relational queries: 0.45 `{ schema }` (its tables and v1 relations); 1.0
 * `{ relations }`: the entries of the given v2 configs for its tables, or when none was given a plain
 * `defineRelations(tables)` so that `db.query.<table>` exists for each table as on 0.45.
 */
export function clientRelationalOptions(
  schema: Readonly<Record<string, unknown>>,
  relations: RelationsV2Config | undefined,
): { readonly schema?: Record<string, unknown>; readonly relations?: object } {
  if (drizzleLine() === '0.45') return { schema: { ...schema } };
  if (relations !== undefined && Object.keys(relations).length > 0) return { relations };
  const tables = Object.fromEntries(Object.entries(schema).filter(([, v]) => is(v, PgTable)));
  if (Object.keys(tables).length === 0) return {};
  const define = (orm as unknown as { defineRelations?: (s: object) => object }).defineRelations;
  if (typeof define !== 'function') {
    throw new MultiDbError('DrizzleIncompatible', `drizzle-orm ${drizzleVersion} has no defineRelations`, {
      drizzleVersion,
    });
  }
  return { relations: define(tables) };
}
