// drizzle-orm 1.0: each driver's codecs (how it casts selected columns and decodes values). They live in
// drizzle-orm itself (no driver package is loaded), on 1.0 only: loaded once, at module load, on that line.
import { drizzleLine } from '@multidb/config';

export type UrlDriverKind = 'pglite' | 'pg' | 'postgres';

const MODULES: Readonly<Record<UrlDriverKind, readonly [string, string]>> = {
  pglite: ['drizzle-orm/pglite/codecs', 'pgliteCodecs'],
  pg: ['drizzle-orm/node-postgres/codecs', 'nodePgCodecs'],
  postgres: ['drizzle-orm/postgres-js/codecs', 'postgresJsCodecs'],
};

async function load(): Promise<Readonly<Record<UrlDriverKind, unknown>> | undefined> {
  let line: string;
  try {
    line = drizzleLine();
  } catch {
    return undefined;
  }
  if (line !== '1.0') return undefined;
  const entries = await Promise.all(
    Object.entries(MODULES).map(async ([kind, [specifier, member]]) => {
      // A variable specifier: these modules do not exist on 0.45, whose types the package is checked against.
      const mod = (await import(specifier)) as Record<string, unknown>;
      return [kind, mod[member]] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<UrlDriverKind, unknown>;
}

/** The codecs `drizzle()` of each driver uses by default on 1.0; `undefined` on 0.45. */
export const driverCodecs: Readonly<Record<UrlDriverKind, unknown>> | undefined = await load();
