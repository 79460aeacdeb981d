import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FailureKind,
  failureKinds,
  isConnectionFailure,
  isConnectionLost,
  isTransientFailure,
  MultiDbError,
} from '../src/index.js';

// Real errors from every driver, provoked without a PostgreSQL server (the server-side ones, such as
// pg_terminate_backend, are in test/pg/connection-errors.test.ts): each must land in the right kind.

const caught = async (run: () => Promise<unknown>): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

const kinds = (error: unknown) => [...failureKinds(error)].sort();

const listen = async (onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> => {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
};

let closedPort: number;
let silent: { server: Server; port: number };
let hangUp: { server: Server; port: number };
const sockets: Socket[] = [];

beforeAll(async () => {
  const probe = await listen(() => {});
  closedPort = probe.port;
  await new Promise((resolve) => probe.server.close(resolve));
  // Accepts and never answers: every driver's connect timeout fires.
  silent = await listen((socket) => sockets.push(socket));
  // Accepts and closes at once: the connection breaks during the start-up.
  hangUp = await listen((socket) => socket.destroy());
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([silent, hangUp].map(({ server }) => new Promise((resolve) => server.close(resolve))));
});

const url = (port: number) => `postgres://app:secret-pw@127.0.0.1:${port}/db`;

describe('postgres.js', () => {
  it('connection refused on a closed loopback port: unreachable', async () => {
    const client = postgres(url(closedPort), { max: 1, connect_timeout: 5, onnotice: () => {} });
    const error = await caught(() => client`select 1`);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(kinds(error)).toEqual<FailureKind[]>(['unreachable']);
    expect(isConnectionFailure(error) && isTransientFailure(error) && !isConnectionLost(error)).toBe(true);
    await client.end();
  });

  it('a server that never answers: CONNECT_TIMEOUT, unreachable', async () => {
    const client = postgres(url(silent.port), { max: 1, connect_timeout: 0.3 });
    const error = await caught(() => client`select 1`);
    expect(error).toMatchObject({ code: 'CONNECT_TIMEOUT' });
    expect(kinds(error)).toEqual(['unreachable']);
    await client.end({ timeout: 0 });
  });

  it('a query after end(): CONNECTION_ENDED, lost', async () => {
    const client = postgres(url(closedPort), { max: 1 });
    await client.end();
    const error = await caught(() => client`select 1`);
    expect(error).toMatchObject({ code: 'CONNECTION_ENDED' });
    expect(kinds(error)).toEqual(['lost']);
  });
});

describe('node-postgres (pg)', () => {
  it('connection refused: unreachable, from a Client and through a Pool', async () => {
    const client = new pg.Client({ connectionString: url(closedPort) });
    const direct = await caught(() => client.connect());
    const pool = new pg.Pool({ connectionString: url(closedPort) });
    const pooled = await caught(() => pool.query('select 1'));
    await pool.end();
    for (const error of [direct, pooled]) {
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
      expect(kinds(error)).toEqual(['unreachable']);
    }
  });

  it('connect timeouts have no code: matched by message, unreachable', async () => {
    const client = new pg.Client({ connectionString: url(silent.port), connectionTimeoutMillis: 200 });
    const direct = await caught(() => client.connect());
    expect(direct).toMatchObject({ message: 'timeout expired' });
    const pool = new pg.Pool({ connectionString: url(silent.port), connectionTimeoutMillis: 200 });
    const pooled = await caught(() => pool.query('select 1'));
    await pool.end();
    expect(pooled).toMatchObject({ message: 'Connection terminated due to connection timeout' });
    for (const error of [direct, pooled]) {
      expect((error as { code?: unknown }).code).toBeUndefined();
      expect(isConnectionFailure(error)).toBe(true);
      expect(failureKinds(error).has('unreachable')).toBe(true);
    }
  });

  it('a server that hangs up: "Connection terminated unexpectedly", lost', async () => {
    const client = new pg.Client({ connectionString: url(hangUp.port) });
    const error = await caught(() => client.connect());
    expect(error).toMatchObject({ message: 'Connection terminated unexpectedly' });
    expect(kinds(error)).toEqual(['lost']);
    expect(isConnectionLost(error)).toBe(true);
  });

  it('a query on a client after end(): lost', async () => {
    const client = new pg.Client({ connectionString: url(closedPort) });
    await caught(() => client.connect());
    const error = await caught(() => client.query('select 1'));
    expect(kinds(error)).toEqual(['lost']);
  });
});

describe('PGlite', () => {
  it('a closed instance is lost, directly and under Drizzle; a statement error has no kind', async () => {
    const client = new PGlite();
    // `drizzle({ client })`: drizzle-orm 1.0 takes a lone argument for a config (or data dir), so `drizzle(client)`
    // would open a second, in-memory PGlite there.
    const db = drizzle({ client });
    const statement = await caught(() => db.execute(sql`select * from no_such_table`));
    expect(failureKinds(statement).size).toBe(0);
    expect(isTransientFailure(statement)).toBe(false);
    await client.close();
    const direct = await caught(() => client.query('select 1'));
    expect(direct).toMatchObject({ message: 'PGlite is closed' });
    const wrapped = await caught(() => db.execute(sql`select 1`));
    for (const error of [direct, wrapped]) {
      expect(kinds(error)).toEqual(['lost']);
      expect(isConnectionFailure(error)).toBe(true);
    }
  });
});

describe('the table', () => {
  const coded = (code: string, message = 'x') =>
    new Error('Failed query: select 1', { cause: Object.assign(new Error(message), { code }) });

  it.each<[string, FailureKind | undefined]>([
    ['ECONNRESET', 'lost'],
    ['ECONNABORTED', 'lost'],
    ['EHOSTDOWN', 'unreachable'],
    ['ERR_SOCKET_CLOSED', 'lost'],
    ['CONNECTION_REFUSED', 'unreachable'],
    ['57P01', 'lost'],
    ['57P02', 'lost'],
    ['57P03', 'unreachable'],
    ['53300', 'unreachable'],
    ['08006', 'lost'],
    ['08001', 'unreachable'],
    ['28P01', 'rejected'],
    ['3D000', 'rejected'],
    ['25006', 'read-only'],
    ['53100', 'overloaded'],
    ['40001', 'conflict'],
    ['40P01', 'conflict'],
    ['57014', 'busy'],
    ['23505', undefined],
    ['42P01', undefined],
    ['EPERM', undefined],
  ])('%s is %s', (code, kind) => {
    expect([...failureKinds(coded(code))]).toEqual(kind === undefined ? [] : [kind]);
  });

  it('matches driver messages only whole, and never on an error with a code', () => {
    expect(failureKinds(coded('P0001', 'Connection terminated unexpectedly')).size).toBe(0);
    expect(
      failureKinds(new Error('Failed query: select $1\nparams: Connection terminated unexpectedly')).size,
    ).toBe(0);
    expect(failureKinds(new Error('the user says: PGlite is closed')).size).toBe(0);
  });

  it('knows the toolkit codes that wrap a connection failure', () => {
    expect(isConnectionFailure(new MultiDbError('ConnectFailed', 'cannot reach'))).toBe(true);
    expect(isConnectionFailure(new MultiDbError('PrimaryUnavailable', 'down'))).toBe(true);
    expect(isTransientFailure(new MultiDbError('NoPrimaryKey', 'x'))).toBe(false);
  });
});
