import { createRequire } from 'node:module';

/** The part of `@opentelemetry/api` dual-write uses (its own types stay out of the public declarations). */
export type OtelApi = typeof import('@opentelemetry/api');

let loaded: OtelApi | null | undefined;

/**
 * `@opentelemetry/api` when the application has it installed, else `undefined` (an optional peer): loaded once,
 * synchronously, on first use. Whichever copy (CommonJS here, ESM in the application) is loaded, the SDK the
 * application registers lives in one process-wide slot the api reads, so spans reach it either way.
 */
export function loadOtelApi(): OtelApi | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
