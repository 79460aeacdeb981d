// The router's only door to drizzle-orm internals: the kit of the loaded release line, built on first use.
import { drizzleLine } from '@multidb/config';
import type { LineKit } from './kit.js';
import { buildKit10 } from './v1.js';
import { buildKit045 } from './v045.js';

export type { AnyDialect, DialectFallback, LineKit, RelationalOptions } from './kit.js';

let kit: LineKit | undefined;

/** The internals of the installed drizzle-orm's line (`DrizzleIncompatible` outside the supported ranges). */
export function lineKit(): LineKit {
  kit ??= drizzleLine() === '0.45' ? buildKit045() : buildKit10();
  return kit;
}
