import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type PgSettings = Readonly<Record<string, string>>;

// Fast, throwaway servers: durability off, replication on. synchronous_commit stays on so a
// committed write is flushed (cheap with fsync=off) and pg_current_wal_lsn() already covers it.
const BASE_SETTINGS: PgSettings = {
  listen_addresses: '127.0.0.1',
  wal_level: 'replica',
  hot_standby: 'on',
  hot_standby_feedback: 'on',
  wal_receiver_status_interval: '1s',
  fsync: 'off',
  full_page_writes: 'off',
  // Concurrent pg_basebackups each force a checkpoint that can recycle WAL another clone has not
  // streamed yet ("requested WAL segment ... has already been removed"); stopped replicas need it too.
  wal_keep_size: '256MB',
  shared_buffers: '16MB',
  max_connections: '50',
};

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function formatConf(settings: PgSettings): string {
  const lines = Object.entries(settings).map(([key, value]) => `${key} = ${quote(value)}`);
  return `\n# added by @multidb/testing\n${lines.join('\n')}\n`;
}

export interface ServerConfOptions {
  readonly port: number;
  readonly socketDir: string;
  readonly maxWalSenders: number;
  readonly extra?: PgSettings;
}

/** Appends our settings to postgresql.conf; later lines win over initdb's defaults. */
export async function appendServerConf(dataDir: string, options: ServerConfOptions): Promise<void> {
  const settings: PgSettings = {
    ...BASE_SETTINGS,
    port: String(options.port),
    unix_socket_directories: options.socketDir,
    max_wal_senders: String(options.maxWalSenders),
    ...options.extra,
  };
  await appendFile(join(dataDir, 'postgresql.conf'), formatConf(settings));
}

/** A replica copied by pg_basebackup inherits the primary's conf; only its port differs. */
export async function appendReplicaConf(dataDir: string, port: number): Promise<void> {
  await appendFile(join(dataDir, 'postgresql.conf'), formatConf({ port: String(port) }));
}

/** Socket connections are trusted; TCP (loopback only) needs the password when one is set. */
export async function writeHbaConf(dataDir: string, password: string | undefined): Promise<void> {
  const hostMethod = password === undefined ? 'trust' : 'scram-sha-256';
  const lines = [
    'local all all trust',
    'local replication all trust',
    `host all all 127.0.0.1/32 ${hostMethod}`,
    `host replication all 127.0.0.1/32 ${hostMethod}`,
  ];
  // writeFile truncates the file initdb made, so it keeps its postgres ownership.
  await writeFile(join(dataDir, 'pg_hba.conf'), `${lines.join('\n')}\n`);
}
