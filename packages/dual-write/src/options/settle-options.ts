import { MultiDbError } from '@multidb/config';
import { z } from 'zod';
import { DEFAULT_DEPTH_REFRESH_MS } from '../outbox/outbox-gauge.js';
import { DEFAULT_RETRY_DELAYS_MS } from '../retry/retry-policy.js';

const whole = (min: number) => {
  const error = `must be a whole number >= ${min}`;
  return z.number({ error }).int({ error }).min(min, { error });
};
const ms = (min: 'zero' | 'positive') => {
  const error = min === 'zero' ? 'must be a number of ms >= 0' : 'must be a number of ms > 0';
  const n = z.number({ error });
  return min === 'zero' ? n.min(0, { error }) : n.positive({ error });
};
const flag = z.boolean({ error: 'must be true or false' });
const share = (() => {
  const error = 'must be a number from 0 to 1';
  return z.number({ error }).min(0, { error }).max(1, { error });
})();
const delays = z.array(ms('zero'), { error: 'must be a list of numbers of ms >= 0' });
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', {
  error: 'must be a function',
});
const clock = z.object(
  {
    now: fn.optional(),
    sleep: fn.optional(),
  },
  { error: 'must be an object { now?, sleep? }' },
);

const logger = z.object(
  { warn: fn, error: fn, info: fn.optional(), debug: fn.optional() },
  { error: 'must be a logger { warn, error, info?, debug? }' },
);

/** The outbox drainer's knobs (also accepted as `drainer: { … }` by a durable writer, without defaults). */
const drainerKnobs = {
  batchSize: whole(1),
  pollIntervalMs: ms('positive'),
  lingerMs: ms('zero'),
  retryDelaysMs: delays,
  retryJitter: share,
  statementTimeoutMs: whole(0),
  applyTimeoutMs: ms('zero'),
  depthRefreshMs: ms('zero'),
};
const drainerSchema = z.object({
  batchSize: drainerKnobs.batchSize.default(500),
  pollIntervalMs: drainerKnobs.pollIntervalMs.default(1000),
  lingerMs: drainerKnobs.lingerMs.default(5),
  retryDelaysMs: drainerKnobs.retryDelaysMs.default(DEFAULT_RETRY_DELAYS_MS as number[]),
  retryJitter: drainerKnobs.retryJitter.default(0),
  statementTimeoutMs: drainerKnobs.statementTimeoutMs.optional(),
  applyTimeoutMs: drainerKnobs.applyTimeoutMs.optional(),
  depthRefreshMs: drainerKnobs.depthRefreshMs.default(DEFAULT_DEPTH_REFRESH_MS),
  clock: clock.optional(),
  logger: logger.optional(),
});
const drainerOverrides = z.object(
  {
    batchSize: drainerKnobs.batchSize.optional(),
    pollIntervalMs: drainerKnobs.pollIntervalMs.optional(),
    lingerMs: drainerKnobs.lingerMs.optional(),
    retryDelaysMs: drainerKnobs.retryDelaysMs.optional(),
    retryJitter: drainerKnobs.retryJitter.optional(),
    statementTimeoutMs: drainerKnobs.statementTimeoutMs.optional(),
    applyTimeoutMs: drainerKnobs.applyTimeoutMs.optional(),
    depthRefreshMs: drainerKnobs.depthRefreshMs.optional(),
  },
  { error: 'must be true, false or drainer options' },
);

const writerSchema = z.object({
  mode: z.enum(['memory', 'durable'], { error: "must be 'memory' or 'durable'" }).default('memory'),
  maxDepth: whole(1).default(10_000),
  batchSize: whole(1).default(500),
  lingerMs: ms('zero').default(5),
  retryDelaysMs: delays.default(DEFAULT_RETRY_DELAYS_MS as number[]),
  retryJitter: share.default(0),
  statementTimeoutMs: whole(0).optional(),
  applyTimeoutMs: ms('zero').optional(),
  maxOrderWaitMs: ms('zero').default(30_000),
  maxDeadLetters: whole(0).default(1000),
  maxOverflowKeys: whole(1).default(100_000),
  deadLetterTable: flag.default(false),
  // Checked below, so a bad drainer option is named (`drainer.batchSize`) rather than the whole union.
  drainer: z
    .custom<boolean | object>((v) => typeof v === 'boolean' || (typeof v === 'object' && v !== null), {
      error: 'must be true, false or drainer options',
    })
    .default(true),
  depthRefreshMs: ms('zero').default(DEFAULT_DEPTH_REFRESH_MS),
  clock: clock.optional(),
  logger: logger.optional(),
});

export type SettledDrainerOptions = Readonly<z.output<typeof drainerSchema>>;
export type SettledWriterOptions = Readonly<z.output<typeof writerSchema>>;

/**
 * Validates a dual writer's options once, at construction, before anything is opened or written: every bad value
 * is reported together (`InvalidOptions`, naming the option and the value), the rest gets its default. Frozen.
 */
export function settleWriterOptions(options: object): SettledWriterOptions {
  const issues: string[] = [];
  const settled = check(writerSchema, options, [], issues);
  const drainer = (options as { drainer?: unknown }).drainer;
  if (typeof drainer === 'object' && drainer !== null) check(drainerOverrides, drainer, ['drainer'], issues);
  return refuseOrFreeze(settled, issues);
}

/** The same for an outbox drainer built on its own. */
export function settleDrainerOptions(options: object): SettledDrainerOptions {
  const issues: string[] = [];
  return refuseOrFreeze(check(drainerSchema, options, [], issues), issues);
}

function check<T extends z.ZodType>(
  schema: T,
  options: unknown,
  at: readonly PropertyKey[],
  issues: string[],
): z.output<T> | undefined {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const value = formatValue(valueAt(options, issue.path));
    issues.push(`${optionName([...at, ...issue.path])} ${issue.message}, got ${value}`);
  }
  return undefined;
}

function refuseOrFreeze<T>(settled: T | undefined, issues: readonly string[]): Readonly<T> {
  if (settled !== undefined && issues.length === 0) return Object.freeze(settled);
  throw new MultiDbError('InvalidOptions', `invalid dual-write options:\n  - ${issues.join('\n  - ')}`, {
    issues: issues.join('; '),
  });
}

function optionName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const key of path) {
    if (typeof key === 'number') name += `[${key}]`;
    else name += name === '' ? String(key) : `.${String(key)}`;
  }
  return name === '' ? 'options' : name;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The bad value as the caller would write it (bounded; never an object's contents). */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
