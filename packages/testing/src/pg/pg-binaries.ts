import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { isRoot, postgresAccount } from './run-as-postgres.js';

const DEFAULT_PG_BIN = '/usr/lib/postgresql/15/bin';
const REQUIRED_BINARIES = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'] as const;

export type PgBinary = (typeof REQUIRED_BINARIES)[number];

/** Directory of the PostgreSQL server binaries: env PG_BIN, else the Debian PostgreSQL 15 location. */
export function pgBinDir(): string {
  return process.env.PG_BIN || DEFAULT_PG_BIN;
}

export function pgBinary(name: PgBinary): string {
  return join(pgBinDir(), name);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Human-readable reasons the harness cannot run here; empty when it can. */
export function pgPrerequisitesMissing(): string[] {
  const missing = REQUIRED_BINARIES.map(pgBinary)
    .filter((path) => !isExecutable(path))
    .map((path) => `missing executable ${path} (set PG_BIN to the PostgreSQL bin directory)`);
  // The server refuses to run as root, so as root we need `runuser` and a `postgres` account.
  if (isRoot()) {
    if (!isExecutable('/usr/sbin/runuser') && !isExecutable('/sbin/runuser')) {
      missing.push('running as root but `runuser` is not installed');
    }
    if (postgresAccount() === undefined) missing.push('running as root but there is no `postgres` OS user');
  }
  return missing;
}

export function pgBinariesAvailable(): boolean {
  return pgPrerequisitesMissing().length === 0;
}
