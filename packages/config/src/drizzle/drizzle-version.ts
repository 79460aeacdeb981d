import { npmVersion } from 'drizzle-orm/version';
import { MultiDbError } from '../errors.js';

/** The drizzle-orm release lines the toolkit supports. Their internals differ; `drizzleLine()` says which is loaded. */
export type DrizzleLine = '0.45' | '1.0';

/** What the toolkit is tested with, for messages and the README. */
export const SUPPORTED_DRIZZLE = 'drizzle-orm 0.45.x or 1.0.0-rc.5 and later 1.0 releases';

/** The release line of a drizzle-orm version string, `undefined` outside the supported ranges (pure). */
export function drizzleLineOf(version: string): DrizzleLine | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(version.trim());
  if (match === null) return undefined;
  const [major, minor, , pre] = [Number(match[1]), Number(match[2]), Number(match[3]), match[4]];
  if (major === 0 && minor === 45 && pre === undefined) return '0.45';
  if (major !== 1 || minor !== 0) return undefined;
  if (pre === undefined) return '1.0';
  // 1.0.0-rc.5 and later release candidates (also their `-<commit>` builds); betas and earlier rcs differ inside.
  const rc = /^rc\.(\d+)(?:[.-]|$)/.exec(pre);
  return rc !== null && Number(rc[1]) >= 5 ? '1.0' : undefined;
}

/** The installed drizzle-orm's version (`drizzle-orm/version`). */
export const drizzleVersion: string = npmVersion;

let line: DrizzleLine | undefined;

/** The installed drizzle-orm's release line; a `DrizzleIncompatible` error names the version when unsupported. */
export function drizzleLine(): DrizzleLine {
  line ??= drizzleLineOf(drizzleVersion);
  if (line === undefined) {
    throw new MultiDbError(
      'DrizzleIncompatible',
      `drizzle-orm ${drizzleVersion} is not supported; the toolkit supports ${SUPPORTED_DRIZZLE}`,
      { drizzleVersion },
    );
  }
  return line;
}
