import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';
import { booleanVar, driverVar, intentsVar, urlVar, weightVar } from './env-schema.js';
import { redactText } from './redact.js';
import {
  deepFreeze,
  READ_INTENTS,
  type ReadIntent,
  type ReplicaConfig,
  type Topology,
  withSafePrinting,
} from './topology.js';

/** Settings given in code. Each one wins over its environment variable. */
export interface ConfigOptions {
  readonly primaryUrl?: string;
  readonly dataUrl?: string;
  readonly splitMode?: boolean;
  /** Replaces every replica from the environment when given. */
  readonly replicas?: readonly {
    readonly name: string;
    readonly url: string;
    readonly role?: 'replica' | 'dr';
    readonly intents?: readonly ReadIntent[];
    readonly weight?: number;
  }[];
  readonly backupUrl?: string;
  readonly backupEnabled?: boolean;
  readonly logQueries?: boolean;
}

export interface ConfigIssue {
  /** The environment variable (or `options.<name>`) that is wrong. */
  readonly variable: string;
  readonly reason: string;
}

export interface ConfigError {
  readonly type: 'InvalidConfig';
  readonly issues: readonly ConfigIssue[];
  readonly message: string;
}

/** Used when no primary is configured anywhere: the embedded database in a local data dir. */
export const DEFAULT_PRIMARY_URL = 'pglite:./.data/primary';

const PRIMARY_VARS = ['SUPABASE_DATABASE_URL', 'PRIMARY_DATABASE_URL', 'DATABASE_URL'] as const;
const BACKUP_VARS = ['BACKUP_DATABASE_URL', 'REPLIT_DATABASE_URL'] as const;
const REPLICA_VAR = /^DATABASE_READ_REPLICA_([A-Z0-9_]+?)_URL$/;

/**
 * Settles the database topology once: option > environment > default. Every bad variable is reported at once,
 * with credentials redacted; the result is deeply frozen.
 */
export function loadConfig(
  options: ConfigOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Result<Topology, ConfigError> {
  const issues: ConfigIssue[] = [];
  const sources: Record<string, string> = {};
  const warnings: string[] = [];
  const read = <T>(variable: string, schema: z.ZodType<T, string>): T | undefined => {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') return undefined;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) issues.push({ variable, reason: redactText(issue.message) });
    return undefined;
  };
  const option = <T>(name: string, value: T | undefined, schema?: z.ZodType<unknown, T>): T | undefined => {
    if (value === undefined) return undefined;
    const parsed = schema?.safeParse(value);
    if (parsed && !parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push({ variable: `options.${name}`, reason: redactText(issue.message) });
      return undefined;
    }
    sources[name] = 'option';
    return value;
  };
  const firstVar = (name: string, variables: readonly string[]): string | undefined => {
    for (const variable of variables) {
      const value = read(variable, urlVar);
      if (value !== undefined) {
        sources[name] = variable;
        return value;
      }
    }
    return undefined;
  };
  const flag = (name: string, variable: string, given: boolean | undefined, fallback: boolean): boolean => {
    if (given !== undefined) return option(name, given) as boolean;
    const value = read(variable, booleanVar);
    if (value !== undefined) {
      sources[name] = variable;
      return value;
    }
    sources[name] = 'default';
    return fallback;
  };

  let primaryUrl = option('primaryUrl', options.primaryUrl, urlVar) ?? firstVar('primaryUrl', PRIMARY_VARS);
  if (primaryUrl === undefined && issues.every((i) => !PRIMARY_VARS.includes(i.variable as never))) {
    primaryUrl = DEFAULT_PRIMARY_URL;
    sources.primaryUrl = 'default';
  }
  const splitMode = flag('splitMode', 'SPLIT_DB_MODE', options.splitMode, false);
  const givenDataUrl =
    option('dataUrl', options.dataUrl, urlVar) ?? firstVar('dataUrl', ['DATA_DATABASE_URL']);
  if (splitMode && givenDataUrl === undefined && !issues.some((i) => i.variable === 'DATA_DATABASE_URL')) {
    issues.push({ variable: 'DATA_DATABASE_URL', reason: 'is required when SPLIT_DB_MODE=true' });
  }
  if (!splitMode && givenDataUrl !== undefined && givenDataUrl !== primaryUrl) {
    warnings.push(
      `${sources.dataUrl} is ignored because SPLIT_DB_MODE is false: every schema uses the primary`,
    );
  }
  if (
    splitMode &&
    givenDataUrl !== undefined &&
    givenDataUrl === primaryUrl &&
    !primaryUrl.startsWith('pglite:memory')
  ) {
    warnings.push('SPLIT_DB_MODE=true but the DATA database URL equals the primary URL');
  }

  const replicas = options.replicas
    ? options.replicas.map((r, i) => replicaFromOption(r, i, issues))
    : replicasFromEnv(env, read, sources);

  const backupUrl = option('backupUrl', options.backupUrl, urlVar) ?? firstVar('backupUrl', BACKUP_VARS);
  const backupEnabled = flag(
    'backupEnabled',
    'BACKUP_DB_ENABLED',
    options.backupEnabled,
    backupUrl !== undefined,
  );
  if (
    backupEnabled &&
    backupUrl === undefined &&
    !issues.some((i) => BACKUP_VARS.includes(i.variable as never))
  ) {
    issues.push({ variable: 'BACKUP_DATABASE_URL', reason: 'is required when BACKUP_DB_ENABLED=true' });
  }
  const logQueries = flag('logQueries', 'LOG_DB_QUERIES', options.logQueries, false);
  // Read by `connect` itself; checked here too so a bad value is reported with every other bad variable.
  read('MULTIDB_DRIVER', driverVar);

  if (issues.length > 0 || primaryUrl === undefined) {
    const message = `invalid database configuration:\n${issues.map((i) => `  - ${i.variable} ${i.reason}`).join('\n')}`;
    return err({ type: 'InvalidConfig', issues, message });
  }
  return ok(
    deepFreeze(
      withSafePrinting(
        {
          primaryUrl,
          dataUrl: splitMode && givenDataUrl !== undefined ? givenDataUrl : primaryUrl,
          splitMode,
          replicas,
          backup: backupUrl === undefined ? undefined : { url: backupUrl, enabled: backupEnabled },
          logQueries,
          sources,
          warnings,
        },
        redactText,
      ),
    ),
  );
}

function replicaFromOption(
  r: NonNullable<ConfigOptions['replicas']>[number],
  index: number,
  issues: ConfigIssue[],
): ReplicaConfig {
  const check = urlVar.safeParse(r.url);
  if (!check.success)
    issues.push({
      variable: `options.replicas[${index}].url`,
      reason: check.error.issues[0]?.message ?? 'invalid',
    });
  if (r.weight !== undefined && (!Number.isInteger(r.weight) || r.weight < 1)) {
    issues.push({ variable: `options.replicas[${index}].weight`, reason: 'must be a whole number >= 1' });
  }
  const role = r.role ?? 'replica';
  return { name: r.name, url: r.url, role, intents: r.intents ?? READ_INTENTS, weight: r.weight ?? 1 };
}

function replicasFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  read: <T>(variable: string, schema: z.ZodType<T, string>) => T | undefined,
  sources: Record<string, string>,
): ReplicaConfig[] {
  const replicas: ReplicaConfig[] = [];
  const keys = Object.keys(env)
    .filter((k) => REPLICA_VAR.test(k))
    .sort();
  for (const key of keys) {
    const id = (REPLICA_VAR.exec(key) as RegExpExecArray)[1] as string;
    const url = read(key, urlVar);
    const intents = read(`DATABASE_READ_REPLICA_${id}_INTENTS`, intentsVar);
    const weight = read(`DATABASE_READ_REPLICA_${id}_WEIGHT`, weightVar);
    if (url === undefined) continue;
    const role = id === 'DR' ? 'dr' : 'replica';
    const name =
      id === 'DR' ? 'dr' : /^\d+$/.test(id) ? `replica-${id}` : id.toLowerCase().replace(/_/g, '-');
    sources[`replica:${name}`] = key;
    replicas.push({ name, url, role, intents: intents ?? defaultIntents(id), weight: weight ?? 1 });
  }
  return replicas;
}

/** The seeds' layout: replica 1 serves analytics, replica 2 background jobs; both also take plain reads. */
function defaultIntents(id: string): readonly ReadIntent[] {
  if (id === '1') return ['read', 'analytics'];
  if (id === '2') return ['read', 'background'];
  return READ_INTENTS;
}
