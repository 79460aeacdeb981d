import { z } from 'zod';
import { parseDatabaseUrl } from './parse-url.js';
import { READ_INTENTS, type ReadIntent } from './topology.js';

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

export const booleanVar = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const lower = value.toLowerCase();
    if (TRUE.includes(lower)) return true;
    if (FALSE.includes(lower)) return false;
    ctx.addIssue({
      code: 'custom',
      message: `must be true or false (got ${JSON.stringify(value.slice(0, 20))})`,
    });
    return z.NEVER;
  });

export const urlVar = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const parsed = parseDatabaseUrl(value);
    if (parsed.isErr()) ctx.addIssue({ code: 'custom', message: parsed.error.message });
  });

export const intentsVar = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const parts = value
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter((p) => p.length > 0);
    const bad = parts.filter((p) => !(READ_INTENTS as readonly string[]).includes(p));
    if (parts.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a comma list of ${READ_INTENTS.join(', ')} (bad: ${JSON.stringify(bad.join(',').slice(0, 40))})`,
      });
      return z.NEVER;
    }
    return [...new Set(parts)] as ReadIntent[];
  });

export const weightVar = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1000) {
      ctx.addIssue({ code: 'custom', message: 'must be a whole number from 1 to 1000' });
      return z.NEVER;
    }
    return n;
  });

/** `MULTIDB_DRIVER`: the driver `connect` opens `postgres://` URLs with. */
export const driverVar = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    if (value !== 'postgres' && value !== 'pg') {
      ctx.addIssue({
        code: 'custom',
        message: `must be 'postgres' (postgres.js) or 'pg' (node-postgres), got ${JSON.stringify(value.slice(0, 20))}`,
      });
    }
  });
