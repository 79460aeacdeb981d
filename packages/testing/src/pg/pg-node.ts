import { readFile } from 'node:fs/promises';
import type postgres from 'postgres';
import { exitCleanup } from './exit-cleanup.js';
import { pgBinary } from './pg-binaries.js';
import { runAsPostgres } from './run-as-postgres.js';
import { waitUntil } from './wait-until.js';

/** One throwaway PostgreSQL server of a test cluster. */
export interface PgNode {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  /** postgres://postgres[:password]@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly running: boolean;
  /** Starts the server and resolves once it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl -D dataDir -m fast stop`; a no-op when not running. */
  stop(): Promise<void>;
  /** Replicas only: pauses WAL replay and resolves once the server reports it paused. */
  pauseReplay(): Promise<void>;
  /** Replicas only: resumes WAL replay. */
  resumeReplay(): Promise<void>;
  /** Runs one query on a short-lived connection that is closed afterwards. */
  sql(query: string): Promise<Record<string, unknown>[]>;
}

export interface PgNodeInit {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** Working directory for the server binaries; must be readable by the postgres user. */
  readonly workDir: string;
  readonly password?: string;
}

const START_TIMEOUT_S = 60;
const PAUSE_TIMEOUT_MS = 30_000;

async function logTail(logFile: string): Promise<string> {
  const log = await readFile(logFile, 'utf8').catch(() => '');
  return log.split('\n').slice(-20).join('\n');
}

class LocalPgNode implements PgNode {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  readonly url: string;
  readonly #init: PgNodeInit;
  #running = false;

  constructor(init: PgNodeInit) {
    this.#init = init;
    this.name = init.name;
    this.port = init.port;
    this.dataDir = init.dataDir;
    const auth = init.password === undefined ? 'postgres' : `postgres:${encodeURIComponent(init.password)}`;
    this.url = `postgres://${auth}@127.0.0.1:${init.port}/postgres`;
  }

  get running(): boolean {
    return this.#running;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    const args = [
      '-D',
      this.dataDir,
      '-l',
      this.#init.logFile,
      '-w',
      '-t',
      String(START_TIMEOUT_S),
      '-s',
      'start',
    ];
    exitCleanup.serverStarted(this.dataDir);
    try {
      await this.#pgCtl(args);
    } catch (error) {
      exitCleanup.serverStopped(this.dataDir);
      const tail = await logTail(this.#init.logFile);
      throw new Error(`could not start ${this.name} on port ${this.port}:\n${tail}`, { cause: error });
    }
    this.#running = true;
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    await this.#pgCtl(['-D', this.dataDir, '-m', 'fast', '-w', '-s', 'stop']);
    this.#running = false;
    exitCleanup.serverStopped(this.dataDir);
  }

  async pauseReplay(): Promise<void> {
    await this.#withConnection(async (sql) => {
      await sql`SELECT pg_wal_replay_pause()`;
      await waitUntil(
        async () => {
          const [row] = await sql`SELECT pg_get_wal_replay_pause_state() AS state`;
          return row?.state === 'paused';
        },
        { timeoutMs: PAUSE_TIMEOUT_MS, description: `WAL replay to pause on ${this.name}` },
      );
    });
  }

  async resumeReplay(): Promise<void> {
    await this.#withConnection((sql) => sql`SELECT pg_wal_replay_resume()`);
  }

  sql(query: string): Promise<Record<string, unknown>[]> {
    return this.#withConnection(async (sql) => Array.from(await sql.unsafe(query)));
  }

  async #withConnection<T>(use: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    // postgres.js is an optional peer dependency, loaded only when a cluster is used.
    const { default: connectPostgres } = await import('postgres');
    const sql = connectPostgres(this.url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    try {
      return await use(sql);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }

  #pgCtl(args: readonly string[]): Promise<unknown> {
    return runAsPostgres(pgBinary('pg_ctl'), args, { cwd: this.#init.workDir });
  }
}

export function createPgNode(init: PgNodeInit): PgNode {
  return new LocalPgNode(init);
}
