import type { Readable, Writable } from 'node:stream';
import type { Client, Pool, PoolClient, QueryResult } from 'pg';
import { innermostErrorCode } from '../../errors.js';
import { loadDriver } from '../../load-driver.js';
import {
  type DmlCommand,
  type Driver,
  type DriverQueries,
  type DriverTransaction,
  type ReservedSession,
  statementName,
  type TransactionOptions,
} from '../driver.js';

/** What the toolkit calls on a `pg.Pool` / `pg.Client` (and pg-compatible ones such as Neon's serverless Pool). */
type Queryable = Pick<Client, 'query'>;
/** A session: a pool's checked-out client, or a bare `pg.Client`. */
type Session = Queryable & Partial<Pick<PoolClient, 'release'>> & Pick<Client, 'on' | 'removeListener'>;

function queries(client: Queryable): DriverQueries {
  return {
    rows: async <T>(text: string, params: readonly unknown[] = []) =>
      (await client.query(text, params as unknown[])).rows as T[],
    values: async (text, params = []) =>
      (await client.query({ text, values: params as unknown[], rowMode: 'array' })).rows as unknown[][],
    execute: async (text, params = []) =>
      ((await client.query(text, params as unknown[])) as QueryResult).rowCount ?? 0,
  };
}

const loadCopyStreams = () => loadDriver('pg-copy-streams', () => import('pg-copy-streams'));

function transactionOf(client: Queryable): DriverTransaction {
  return {
    ...queries(client),
    copyTo: async (text) => {
      const { to } = await loadCopyStreams();
      return client.query(to(text)) as unknown as Readable;
    },
    copyFrom: async (text) => {
      const { from } = await loadCopyStreams();
      return client.query(from(text)) as unknown as Writable;
    },
  };
}

/** node-postgres errors that carry no `code`, by their fixed messages (pg 8). */
const CODELESS: readonly (readonly [RegExp, string])[] = [
  [/^Connection terminated|is not queryable|^Client was closed/, 'CONNECTION_ENDED'],
  [
    /^timeout exceeded when trying to connect|^Connection terminated due to connection timeout/,
    'CONNECT_TIMEOUT',
  ],
];

function nodePostgresErrorCode(error: unknown): string | undefined {
  const code = innermostErrorCode(error);
  if (code !== undefined) return code;
  let current: unknown = error;
  let found: string | undefined;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    for (const [pattern, name] of CODELESS) if (pattern.test(current.message)) found = name;
    current = current.cause;
  }
  return found;
}

/** A session's connection can fail while it is checked out; pg emits that as `error`, fatal with no listener. */
const ignore = () => {};

function isPool(client: Pool | Client): client is Pool {
  return typeof (client as Pool).totalCount === 'number';
}

/**
 * A node-postgres `pg.Pool` (or `pg.Client`) as a {@link Driver}. Named prepared statements are safe with a pool:
 * node-postgres remembers per connection which names it has prepared there.
 */
export function nodePostgresDriver(client: Pool | Client): Driver {
  const pool = isPool(client) ? client : undefined;
  /** A checked-out session; a bare `pg.Client` is its own (one) session and is never released. */
  const acquire = async (): Promise<Session> => {
    if (pool === undefined) return client as Client;
    const session = await pool.connect();
    session.on('error', ignore);
    return session;
  };
  const giveBack = (session: Session, broken: boolean) => {
    if (session.release === undefined) return;
    session.removeListener('error', ignore);
    // `release(true)` destroys the connection instead of pooling it.
    session.release(broken);
  };
  return {
    kind: 'pg',
    supportsCopy: true,
    sharedSession: false,
    get closed() {
      return pool?.ended === true;
    },
    rows: (text, params) => queries(client).rows(text, params),
    async transaction<T>(fn: (tx: DriverTransaction) => Promise<T>, options: TransactionOptions = {}) {
      const session = await acquire();
      let broken = false;
      try {
        await session.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
        const result = await fn(transactionOf(session));
        await session.query('COMMIT');
        return result;
      } catch (error) {
        await session.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        giveBack(session, broken);
      }
    },
    async reserve(): Promise<ReservedSession> {
      const session = await acquire();
      let ended = false;
      const end = (broken: boolean) => {
        if (ended) return;
        ended = true;
        giveBack(session, broken);
      };
      return { ...queries(session), release: () => end(false), discard: () => end(true) };
    },
    noReturningResult: (rows: unknown[], command: DmlCommand) => ({
      command,
      rowCount: rows.length,
      oid: command === 'INSERT' ? 0 : null,
      rows: [],
      fields: [],
    }),
    reusableStatementName: (text) => statementName(text),
    errorCode: nodePostgresErrorCode,
    close: () => client.end(),
  };
}
