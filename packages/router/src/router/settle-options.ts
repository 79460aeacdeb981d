import { MultiDbError, READ_INTENTS, type ReadIntent } from '@multidb/config';
import type { PositionSource } from '../lag/position-source.js';
import type {
  DbRouterOptions,
  HealthOptions,
  LagOptions,
  NodeSource,
  NodeSpec,
  SettledHealthOptions,
  SettledLagOptions,
} from './router-options.js';

export interface SettledNode {
  readonly name: string;
  readonly role: 'primary' | 'replica' | 'dr';
  readonly source: NodeSource<Record<string, unknown>>;
  readonly positionSource: PositionSource | undefined;
  readonly intents: readonly ReadIntent[];
  readonly weight: number;
}

export interface SettledOptions {
  readonly nodes: readonly SettledNode[];
  readonly health: SettledHealthOptions;
  readonly lag: SettledLagOptions;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/;

/** Validates everything once, reporting every problem together (never a connection string). */
export function settleOptions<TSchema extends Record<string, unknown>>(
  options: DbRouterOptions<TSchema>,
): SettledOptions {
  const issues: string[] = [];
  const primarySpec = isSpec(options.primary) ? options.primary : { db: options.primary };
  const nodes: SettledNode[] = [
    {
      name: primarySpec.name ?? 'primary',
      role: 'primary',
      source: primarySpec.db as NodeSource<Record<string, unknown>>,
      positionSource: primarySpec.positionSource,
      intents: READ_INTENTS,
      weight: 1,
    },
  ];
  for (const [i, replica] of (options.replicas ?? []).entries()) {
    const where = `replicas[${i}]`;
    const intents = replica.intents ?? READ_INTENTS;
    if (intents.length === 0 || intents.some((intent) => !READ_INTENTS.includes(intent)))
      issues.push(`${where}.intents must be a non-empty list of ${READ_INTENTS.join(', ')}`);
    const weight = replica.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > 1000)
      issues.push(`${where}.weight must be a whole number from 1 to 1000`);
    const role = replica.role ?? 'replica';
    if (role !== 'replica' && role !== 'dr') issues.push(`${where}.role must be 'replica' or 'dr'`);
    if (replica.db === undefined || replica.db === null) issues.push(`${where}.db is required`);
    nodes.push({
      name: replica.name,
      role,
      source: replica.db,
      positionSource: replica.positionSource,
      intents: [...new Set(intents)],
      weight,
    });
  }
  const seen = new Set<string>();
  for (const node of nodes) {
    if (typeof node.name !== 'string' || !NAME.test(node.name))
      issues.push(`node name ${JSON.stringify(String(node.name).slice(0, 40))} must match ${NAME}`);
    else if (seen.has(node.name)) issues.push(`node name ${JSON.stringify(node.name)} is used twice`);
    seen.add(node.name);
  }
  if (options.wrapWriteClients !== undefined && typeof options.wrapWriteClients !== 'function')
    issues.push('wrapWriteClients must be a function (db, kind) => db');
  const { logger, clock } = options as { logger?: unknown; clock?: unknown };
  if (logger !== undefined && !hasMethods(logger, ['warn', 'error'], ['info', 'debug']))
    issues.push('logger must be a logger { warn, error, info?, debug? }');
  if (clock !== undefined && !hasMethods(clock, [], ['now', 'sleep']))
    issues.push('clock must be an object { now?, sleep? }');
  const health = settleHealth(options.health ?? {}, issues);
  const lag = settleLag(options.lag ?? {}, issues);
  if (issues.length > 0) {
    throw new MultiDbError('InvalidRouterConfig', `invalid router options:\n  - ${issues.join('\n  - ')}`, {
      issues,
    });
  }
  return Object.freeze({ nodes: Object.freeze(nodes), health, lag });
}

function hasMethods(value: unknown, required: readonly string[], optional: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return (
    required.every((k) => typeof o[k] === 'function') &&
    optional.every((k) => o[k] === undefined || typeof o[k] === 'function')
  );
}

function isSpec<TSchema extends Record<string, unknown>>(
  value: NodeSource<TSchema> | NodeSpec<TSchema>,
): value is NodeSpec<TSchema> {
  return typeof value === 'object' && value !== null && 'db' in value && !('close' in value);
}

function settleHealth(options: HealthOptions, issues: string[]): SettledHealthOptions {
  const positive = (name: keyof HealthOptions, value: number, integer: boolean) => {
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
      issues.push(`health.${name} must be a positive ${integer ? 'whole ' : ''}number`);
    return value;
  };
  return Object.freeze({
    intervalMs: positive('intervalMs', options.intervalMs ?? 2000, false),
    timeoutMs: positive('timeoutMs', options.timeoutMs ?? 1000, false),
    failuresToDown: positive('failuresToDown', options.failuresToDown ?? 2, true),
    successesToUp: positive('successesToUp', options.successesToUp ?? 2, true),
    background: options.background ?? true,
  });
}

function settleLag(options: LagOptions, issues: string[]): SettledLagOptions {
  const limit = (name: keyof LagOptions, value: number) => {
    if (Number.isNaN(value) || value < 0) issues.push(`lag.${name} must be a number >= 0 (or Infinity)`);
    return value;
  };
  return Object.freeze({
    maxBytes: limit('maxBytes', options.maxBytes ?? Number.POSITIVE_INFINITY),
    maxSeconds: limit('maxSeconds', options.maxSeconds ?? 30),
    staleReadsWhenPrimaryDown: options.staleReadsWhenPrimaryDown ?? true,
  });
}
