import { bearerChallenge, bearerToken, redactText } from '@multidb/config';
import type { SchemaFilter } from '../catalog/schema-filter.js';
import { selectTables } from '../catalog/select-tables.js';
import { checkDrift } from '../drift/check-drift.js';
import { openDatabases } from '../endpoint/open-databases.js';
import type { DatabaseInput } from '../endpoint/resolve-endpoint.js';
import { countTables } from './count-tables.js';

export interface DriftHealthOptions extends SchemaFilter {
  readonly source: DatabaseInput;
  readonly target: DatabaseInput;
  /** Operators send `Authorization: Bearer <token>`. */
  readonly token: string;
  /** Tables to report (default every table): e.g. the critical ones. */
  readonly tables?: readonly string[];
  /** Recheck delay of a deep (`?deep=1`) check; default 1000 ms. */
  readonly recheckDelayMs?: number;
  readonly now?: () => Date;
}

const failure = (error: { readonly type: string; readonly side?: string }) => ({
  type: error.type,
  side: error.side,
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(redactText(JSON.stringify(body)), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });

/**
 * An operator endpoint (`(Request) => Promise<Response>`, web-standard): per-table row counts on both databases
 * and whether they differ; with `?deep=1` the full checksum comparison (no repair). Admin only: 401 without a
 * bearer token or with a wrong one (compared in constant time, as in every health handler). The body never holds a connection string:
 * failures are reported by kind and side only.
 */
export function createDriftHealthHandler(
  options: DriftHealthOptions,
): (request: Request) => Promise<Response> {
  const token = bearerToken(options.token, 'InvalidOptions');
  const now = options.now ?? (() => new Date());
  return async (request) => {
    const auth = token.check(request.headers.get('authorization'));
    if (auth !== 'ok')
      return json(401, { error: 'unauthorized' }, { 'www-authenticate': bearerChallenge(auth) });
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return json(405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
    const checkedAt = now().toISOString();
    if (new URL(request.url).searchParams.get('deep') === '1') {
      const result = await checkDrift({
        source: options.source,
        target: options.target,
        tables: options.tables,
        includeSchemas: options.includeSchemas,
        excludeSchemas: options.excludeSchemas,
        recheckDelayMs: options.recheckDelayMs ?? 1000,
      });
      if (result.isErr()) return json(503, { status: 'error', checkedAt, error: failure(result.error) });
      const report = result.value;
      return json(200, {
        status: report.errors ? 'error' : report.clean ? 'ok' : 'drift',
        checkedAt,
        schemaDifferences: report.schema.length,
        tables: report.tables.map((t) => ({
          table: t.table,
          status: t.status,
          sourceRows: t.sourceRows,
          targetRows: t.targetRows,
          missing: t.missing,
          extra: t.extra,
          changed: t.changed,
        })),
      });
    }
    const dbs = await openDatabases(options.source, options.target, options);
    if (dbs.isErr()) return json(503, { status: 'error', checkedAt, error: failure(dbs.error) });
    try {
      const selected = selectTables(dbs.value.sourceCatalog.tables, options.tables);
      if (selected.isErr()) return json(500, { status: 'error', checkedAt, error: failure(selected.error) });
      const tables = await countTables(dbs.value, selected.value);
      const status = tables.some((t) => t.error) ? 'error' : tables.some((t) => t.drift) ? 'drift' : 'ok';
      return json(200, { status, checkedAt, tables });
    } finally {
      await dbs.value.close();
    }
  };
}
