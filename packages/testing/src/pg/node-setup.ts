import { rm, writeFile } from 'node:fs/promises';
import { pgBinary } from './pg-binaries.js';
import { appendReplicaConf, appendServerConf, type PgSettings, writeHbaConf } from './pg-conf.js';
import { giveToPostgres, runAsPostgres } from './run-as-postgres.js';

export interface NewServerOptions {
  readonly dataDir: string;
  readonly workDir: string;
  readonly port: number;
  readonly maxWalSenders: number;
  readonly password?: string;
  readonly settings?: PgSettings;
}

/** initdb a fresh data dir (superuser `postgres`) and configure it for loopback + replication. */
export async function initServer(options: NewServerOptions): Promise<void> {
  const args = [
    '-D',
    options.dataDir,
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
    '-A',
    'trust',
  ];
  let pwFile: string | undefined;
  if (options.password !== undefined) {
    pwFile = `${options.dataDir}.pw`;
    await writeFile(pwFile, `${options.password}\n`, { mode: 0o600 });
    await giveToPostgres(pwFile);
    args.push(`--pwfile=${pwFile}`);
  }
  try {
    await runAsPostgres(pgBinary('initdb'), args, { cwd: options.workDir });
  } finally {
    if (pwFile) await rm(pwFile, { force: true });
  }
  await appendServerConf(options.dataDir, {
    port: options.port,
    socketDir: options.workDir,
    maxWalSenders: options.maxWalSenders,
    extra: options.settings,
  });
  await writeHbaConf(options.dataDir, options.password);
}

export interface CloneOptions {
  readonly dataDir: string;
  readonly workDir: string;
  readonly port: number;
  readonly primaryPort: number;
  readonly password?: string;
}

/** Streams a base backup of the running primary into a standby (-R writes standby.signal + primary_conninfo). */
export async function cloneReplica(options: CloneOptions): Promise<void> {
  // -c fast: the default spread checkpoint would make every clone wait for seconds.
  const args = ['-h', '127.0.0.1', '-p', String(options.primaryPort), '-U', 'postgres'];
  args.push('-D', options.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync');
  const env: Record<string, string> = options.password === undefined ? {} : { PGPASSWORD: options.password };
  await runAsPostgres(pgBinary('pg_basebackup'), args, { cwd: options.workDir, env });
  await appendReplicaConf(options.dataDir, options.port);
}
