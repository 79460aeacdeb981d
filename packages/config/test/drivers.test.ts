import { describe, expect, it } from 'vitest';
import { connect, driverOfClient, loadConfig, MultiDbError, urlDriver } from '../src/index.js';
import { loadDriver } from '../src/load-driver.js';
import { describeDriver } from './support/driver-suite.js';

describeDriver({ kind: 'pglite', open: () => connect('pglite:memory') });

describe('driverOf', () => {
  it('names what it found and the three supported drivers for an unknown client', () => {
    const attempt = () => driverOfClient(new (class RedisClient {})());
    expect(attempt).toThrow(MultiDbError);
    expect(attempt).toThrow(/RedisClient.*postgres-js.*node-postgres.*pglite/);
    expect(() => driverOfClient(undefined)).toThrow(/no \$client/);
  });
});

describe('choosing the driver for postgres URLs', () => {
  it('takes the option, else MULTIDB_DRIVER, else postgres.js', () => {
    expect(urlDriver(undefined, {})).toBe('postgres');
    expect(urlDriver(undefined, { MULTIDB_DRIVER: 'pg' })).toBe('pg');
    expect(urlDriver('postgres', { MULTIDB_DRIVER: 'pg' })).toBe('postgres');
    expect(urlDriver(undefined, { MULTIDB_DRIVER: ' ' })).toBe('postgres');
  });

  it('refuses an unknown driver, naming the variable and the value', async () => {
    expect(() => urlDriver(undefined, { MULTIDB_DRIVER: 'mysql' })).toThrow(
      /MULTIDB_DRIVER must be 'postgres' \(postgres.js\) or 'pg' \(node-postgres\), got "mysql"/,
    );
    await expect(
      connect('postgres://u:secret@localhost/db', { driver: 'node-postgres' as never }),
    ).rejects.toMatchObject({ code: 'InvalidConfig', message: expect.stringMatching(/options.driver/) });
  });

  it('loadConfig reports a bad MULTIDB_DRIVER with the other bad variables', () => {
    const result = loadConfig({}, { MULTIDB_DRIVER: 'mysql', LOG_DB_QUERIES: 'maybe' });
    expect(result.isErr() && result.error.issues.map((i) => i.variable).sort()).toEqual([
      'LOG_DB_QUERIES',
      'MULTIDB_DRIVER',
    ]);
    expect(loadConfig({}, { MULTIDB_DRIVER: 'pg' }).isOk()).toBe(true);
  });
});

describe('a driver that is not installed', () => {
  const notFound = (message: string) => () =>
    Promise.reject(Object.assign(new Error(message), { code: 'ERR_MODULE_NOT_FOUND' }));

  it('is DriverMissing naming the package to install', async () => {
    await expect(
      loadDriver('pg', notFound("Cannot find package 'pg' imported from /app/open.js")),
    ).rejects.toMatchObject({ code: 'DriverMissing', message: expect.stringContaining('npm i pg') });
    await expect(
      loadDriver('pg-copy-streams', notFound("Cannot find package 'pg-copy-streams' imported from /a.js")),
    ).rejects.toMatchObject({
      code: 'DriverMissing',
      message: expect.stringContaining('npm i pg-copy-streams'),
    });
  });

  it('is not confused with another missing package', async () => {
    const other = loadDriver(
      'pg',
      notFound("Cannot find package '@electric-sql/pglite' imported from /a.js"),
    );
    await expect(other).rejects.not.toBeInstanceOf(MultiDbError);
  });
});
