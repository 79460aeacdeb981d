import { causeChain, MultiDbError, ownErrorCode } from '@multidb/config';
import type { RouterNode } from '../nodes/router-node.js';

/** Span and metric attributes: plain string / number / boolean values (the api's `Attributes`). */
export type AttributeMap = Record<string, string | number | boolean>;

/** A routed statement as the routing session knows it: the built SQL and Drizzle's query metadata. */
export interface StatementInfo {
  readonly sql: string;
  readonly metadata: { readonly type: string; readonly tables: readonly string[] } | undefined;
}

const POSTGRES_PORT = 5432;
const KEYWORD = /^\s*(?:\(\s*)*([A-Za-z]+)/;

/**
 * What the semantic conventions say about a node: `db.namespace` (the database name) and `server.address` /
 * `server.port`, from its redacted URL when it has one (credentials were never in it). PGlite and databases
 * handed over without a URL have none.
 */
export function nodeAttributes(node: RouterNode): AttributeMap {
  const attributes: AttributeMap = { 'multidb.node': node.name, 'multidb.node.role': node.role };
  const url = node.safeUrl;
  if (url === undefined || !/^postgres(ql)?:\/\//i.test(url)) return attributes;
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (database !== '') attributes['db.namespace'] = database;
    // A multi-host URL, or a host given as `?host=` (a socket directory): no single server to name.
    if (parsed.hostname !== '' && !parsed.hostname.includes(',')) {
      attributes['server.address'] = parsed.hostname.replace(/^\[|\]$/g, '');
      attributes['server.port'] = parsed.port === '' ? POSTGRES_PORT : Number(parsed.port);
    }
  } catch {
    // Not parseable as one URL (several hosts): the node name still says where it went.
  }
  return attributes;
}

/**
 * `db.operation.name` and `db.collection.name`: from Drizzle's metadata (builders say what they are and which
 * tables they touch), else the statement's first keyword as written (`with …` names no single operation). The
 * collection only when exactly one table is involved, as the conventions ask.
 */
export function statementAttributes(statement: StatementInfo | undefined): {
  readonly operation: string | undefined;
  readonly collection: string | undefined;
} {
  if (statement === undefined) return { operation: undefined, collection: undefined };
  const tables = statement.metadata?.tables;
  const collection = tables !== undefined && tables.length === 1 ? tables[0] : undefined;
  const keyword = statement.metadata?.type ?? KEYWORD.exec(statement.sql)?.[1];
  const operation = keyword === undefined || /^with$/i.test(keyword) ? undefined : keyword;
  return { operation, collection };
}

/**
 * `error.type`: low cardinality, never a message (driver messages can quote values). The toolkit's error code,
 * else the innermost SQLSTATE or driver code, else the error's class name.
 */
export function errorType(error: unknown): string {
  if (error instanceof MultiDbError) return error.code;
  for (const cause of causeChain(error).slice().reverse()) {
    const code = ownErrorCode(cause);
    if (code !== undefined) return code;
  }
  return error instanceof Error ? error.name || 'Error' : '_OTHER';
}

/** `db.response.status_code`: a SQLSTATE (five characters), when the database answered with one. */
export function sqlState(error: unknown): string | undefined {
  for (const cause of causeChain(error)) {
    const code = ownErrorCode(cause);
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}
