import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIMARY_URL, loadConfig } from '../src/index.js';

const SECRET = 's3cr3t-Marker';
const pg = (host: string) => `postgres://app:${SECRET}@${host}:5432/app`;

describe('loadConfig', () => {
  it('settles the seeds variables into a frozen topology', () => {
    const topology = loadConfig(
      {},
      {
        SUPABASE_DATABASE_URL: pg('supabase'),
        DATABASE_URL: pg('fallback'),
        SPLIT_DB_MODE: 'true',
        DATA_DATABASE_URL: pg('data'),
        DATABASE_READ_REPLICA_1_URL: pg('r1'),
        DATABASE_READ_REPLICA_2_URL: pg('r2'),
        DATABASE_READ_REPLICA_DR_URL: pg('dr'),
        DATABASE_READ_REPLICA_EU_URL: pg('eu'),
        DATABASE_READ_REPLICA_EU_INTENTS: 'analytics, background',
        DATABASE_READ_REPLICA_EU_WEIGHT: '3',
        REPLIT_DATABASE_URL: pg('backup'),
        LOG_DB_QUERIES: 'yes',
      },
    )._unsafeUnwrap();
    expect(topology.primaryUrl).toBe(pg('supabase'));
    expect(topology.sources.primaryUrl).toBe('SUPABASE_DATABASE_URL');
    expect(topology.dataUrl).toBe(pg('data'));
    expect(topology.splitMode).toBe(true);
    expect(topology.replicas.map((r) => [r.name, r.role, r.intents.join(','), r.weight])).toEqual([
      ['replica-1', 'replica', 'read,analytics', 1],
      ['replica-2', 'replica', 'read,background', 1],
      ['dr', 'dr', 'read,analytics,background', 1],
      ['eu', 'replica', 'analytics,background', 3],
    ]);
    expect(topology.backup).toEqual({ url: pg('backup'), enabled: true });
    expect(topology.logQueries).toBe(true);
    expect(Object.isFrozen(topology)).toBe(true);
    expect(Object.isFrozen(topology.replicas[0])).toBe(true);
    expect(JSON.stringify(topology)).not.toContain(SECRET);
    expect(inspect(topology, { depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify(topology)).toContain('postgres://app:***@r1:5432/app');
  });

  it('prefers SUPABASE_DATABASE_URL, then PRIMARY_DATABASE_URL, then DATABASE_URL', () => {
    expect(loadConfig({}, { DATABASE_URL: pg('a') })._unsafeUnwrap().primaryUrl).toBe(pg('a'));
    expect(
      loadConfig({}, { DATABASE_URL: pg('a'), PRIMARY_DATABASE_URL: pg('b') })._unsafeUnwrap().primaryUrl,
    ).toBe(pg('b'));
  });

  it('lets options override the environment and falls back to the embedded default', () => {
    const fromOption = loadConfig(
      { primaryUrl: 'pglite:memory', backupEnabled: false },
      {
        DATABASE_URL: pg('env'),
        BACKUP_DATABASE_URL: pg('backup'),
      },
    )._unsafeUnwrap();
    expect(fromOption.primaryUrl).toBe('pglite:memory');
    expect(fromOption.sources.primaryUrl).toBe('option');
    expect(fromOption.backup?.enabled).toBe(false);

    const defaults = loadConfig({}, {})._unsafeUnwrap();
    expect(defaults.primaryUrl).toBe(DEFAULT_PRIMARY_URL);
    expect(defaults.dataUrl).toBe(DEFAULT_PRIMARY_URL);
    expect(defaults.splitMode).toBe(false);
    expect(defaults.backup).toBeUndefined();
    expect(defaults.replicas).toEqual([]);
  });

  it('uses the primary for DATA when SPLIT_DB_MODE is false and says the DATA url is ignored', () => {
    const topology = loadConfig({}, { DATABASE_URL: pg('p'), DATA_DATABASE_URL: pg('d') })._unsafeUnwrap();
    expect(topology.dataUrl).toBe(pg('p'));
    expect(topology.warnings.join()).toMatch(/DATA_DATABASE_URL is ignored/);
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: `mysql://root:${SECRET}@h/db` }, /must start with postgres/],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://' }, /not a valid URL|no host/],
    ['SPLIT_DB_MODE', { SPLIT_DB_MODE: 'maybe' }, /must be true or false/],
    ['DATA_DATABASE_URL', { SPLIT_DB_MODE: 'true' }, /required when SPLIT_DB_MODE=true/],
    ['BACKUP_DB_ENABLED', { BACKUP_DB_ENABLED: '2' }, /must be true or false/],
    ['BACKUP_DATABASE_URL', { BACKUP_DB_ENABLED: 'true' }, /required when BACKUP_DB_ENABLED=true/],
    ['REPLIT_DATABASE_URL', { REPLIT_DATABASE_URL: `http://u:${SECRET}@x` }, /must start with postgres/],
    ['LOG_DB_QUERIES', { LOG_DB_QUERIES: 'loud' }, /must be true or false/],
    ['DATABASE_READ_REPLICA_1_URL', { DATABASE_READ_REPLICA_1_URL: `ftp://a:${SECRET}@b` }, /must start/],
    [
      'DATABASE_READ_REPLICA_X_INTENTS',
      { DATABASE_READ_REPLICA_X_URL: pg('x'), DATABASE_READ_REPLICA_X_INTENTS: 'read,write' },
      /comma list of read, analytics, background/,
    ],
    [
      'DATABASE_READ_REPLICA_X_WEIGHT',
      { DATABASE_READ_REPLICA_X_URL: pg('x'), DATABASE_READ_REPLICA_X_WEIGHT: '-1' },
      /whole number/,
    ],
  ])('names %s when it is wrong, without its password', (variable, env, reason) => {
    const error = loadConfig({}, env)._unsafeUnwrapErr();
    expect(error.type).toBe('InvalidConfig');
    const issue = error.issues.find((i) => i.variable === variable);
    expect(issue?.reason).toMatch(reason);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('reports every bad variable at once', () => {
    const error = loadConfig(
      {},
      { DATABASE_URL: 'nope', SPLIT_DB_MODE: 'x', LOG_DB_QUERIES: 'y' },
    )._unsafeUnwrapErr();
    expect(error.issues.map((i) => i.variable).sort()).toEqual([
      'DATABASE_URL',
      'LOG_DB_QUERIES',
      'SPLIT_DB_MODE',
    ]);
    expect(error.message).toContain('DATABASE_URL');
  });

  it('validates options too', () => {
    const error = loadConfig(
      { primaryUrl: `redis://u:${SECRET}@h`, replicas: [{ name: 'a', url: 'x', weight: 0 }] },
      {},
    )._unsafeUnwrapErr();
    expect(error.issues.map((i) => i.variable).sort()).toEqual([
      'options.primaryUrl',
      'options.replicas[0].url',
      'options.replicas[0].weight',
    ]);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });
});
