import { createHash, timingSafeEqual } from 'node:crypto';
import { MultiDbError, redactText } from '@multidb/config';
import type { DbRouter } from '../router/db-router-api.js';
import { type BackupDetail, type BackupSources, backupDetail } from './backup-status.js';
import type { HealthStatus, NodeHealthStatus } from './health-status.js';

/**
 * - `ok`: the primary is healthy and every replica is in rotation.
 * - `degraded`: still serving (see `HealthHandlerOptions.require`), but a replica is down or lagging, the
 *   router is forced to the primary, or (with `require: 'reads'`) the primary is down.
 * - `down`: the routing cannot serve what `require` asks for.
 */
export type ServingStatus = 'ok' | 'degraded' | 'down';

/** What the handler needs from a router (any schema). */
export type HealthSource = Pick<DbRouter, 'checkHealth' | 'getHealthStatus' | 'closed'>;

export interface HealthHandlerOptions {
  /** Bearer token that unlocks the per-node detail (at least 16 characters). Without it, no detail is served. */
  readonly token?: string;
  /**
   * What "can serve" means. `writes` (default): the primary is healthy, so writes and transactions (always on
   * the primary) and reads (the primary serves them when no replica can) are served. `reads`: some node is
   * healthy, for read-only deployments that must stay in the load balancer while the primary is away.
   */
  readonly require?: 'writes' | 'reads';
  /**
   * `false` (default): answer from the router's last probe round (the background probes keep it fresh; a
   * router that never probed is probed once). `true`: run a probe round per request (single-flight).
   */
  readonly probeOnRequest?: boolean;
  /**
   * The backup's engines, shown in the detail (with the token) next to the nodes: a dual-write writer's queue and
   * the logical replication's latest status. They never change the serving status: the backup is not on the path
   * of reads or writes.
   */
  readonly backup?: BackupSources;
}

export interface NodeHealthDetail {
  readonly name: string;
  readonly role: NodeHealthStatus['role'];
  readonly healthy: boolean;
  readonly inRotation: boolean;
  readonly replication: NodeHealthStatus['replication'];
  readonly latencyMs: number | null;
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
  readonly consecutiveFailures: number;
  /** Redacted, with every URL replaced by `[url]`. */
  readonly lastError: string | null;
  readonly lastCheckAt: string | null;
}

export interface HealthDetail {
  readonly status: ServingStatus;
  readonly writable: boolean;
  readonly readable: boolean;
  readonly forcedToPrimary: boolean;
  readonly checkedAt: string | null;
  readonly nodes: readonly NodeHealthDetail[];
  /** With `backup` sources: the backup queue and/or replication (see `BackupDetail`). */
  readonly backup?: BackupDetail;
}

const MIN_TOKEN_LENGTH = 16;
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*/gi;
// `password=...` outside a query string (libpq keyword/value strings, driver messages).
const PASSWORD_IN_TEXT = /\b(password|passwd|pwd)(\s*[=:]\s*)[^\s'"`,;&)]+/gi;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * A fetch-style health endpoint: `200` when the routing can serve, `503` otherwise, with `{"status": ...}`.
 * `Authorization: Bearer <token>` adds the per-node detail; a wrong token gets `401`. Never a connection string:
 * node URLs are left out and errors have every URL removed.
 */
export function createHealthHandler(
  router: HealthSource,
  options: HealthHandlerOptions = {},
): (req: Request) => Promise<Response> {
  const expected = options.token === undefined ? undefined : tokenDigest(checkedToken(options.token));
  const require = options.require ?? 'writes';
  if (require !== 'writes' && require !== 'reads')
    throw new MultiDbError('InvalidHealthConfig', "require must be 'writes' or 'reads'");
  let probing: Promise<HealthStatus> | undefined;
  const probe = () => {
    probing ??= router.checkHealth().finally(() => {
      probing = undefined;
    });
    return probing;
  };
  const current = async (): Promise<HealthStatus | undefined> => {
    if (router.closed) return undefined;
    try {
      const cached = router.getHealthStatus();
      return options.probeOnRequest || cached.checkedAt === null ? await probe() : cached;
    } catch {
      return undefined; // a probe that threw: not serving
    }
  };

  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    const access = authorize(req.headers.get('authorization'), expected);
    if (access === 'denied')
      return respond(
        req,
        401,
        { error: 'invalid token' },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
    const health = await current();
    const status: ServingStatus = health === undefined ? 'down' : servingStatus(health, require);
    const code = status === 'down' ? 503 : 200;
    if (access === 'anonymous' || health === undefined) return respond(req, code, { status });
    const backup = backupDetail(options.backup);
    return respond(req, code, { ...healthDetail(health, status), ...(backup ? { backup } : {}) });
  };
}

/** The serving status of a router's health for a requirement (see `ServingStatus`). */
export function servingStatus(health: HealthStatus, require: 'writes' | 'reads' = 'writes'): ServingStatus {
  const serving = require === 'writes' ? health.writable : health.readable;
  if (!serving) return 'down';
  const everyNodeServing = health.nodes.every((node) => node.inRotation);
  return health.writable && everyNodeServing && !health.forcedToPrimary ? 'ok' : 'degraded';
}

/** The authorised body: health without URLs, with URLs removed from errors. */
export function healthDetail(health: HealthStatus, status: ServingStatus): HealthDetail {
  return {
    status,
    writable: health.writable,
    readable: health.readable,
    forcedToPrimary: health.forcedToPrimary,
    checkedAt: health.checkedAt,
    nodes: health.nodes.map((node) => ({
      name: node.name,
      role: node.role,
      healthy: node.healthy,
      inRotation: node.inRotation,
      replication: node.replication,
      latencyMs: node.latencyMs,
      lagBytes: node.lagBytes,
      lagSeconds: node.lagSeconds,
      consecutiveFailures: node.consecutiveFailures,
      lastError: node.lastError === null ? null : withoutUrls(node.lastError),
      lastCheckAt: node.lastCheckAt,
    })),
  };
}

export function withoutUrls(text: string): string {
  return redactText(text).replace(URL_IN_TEXT, '[url]').replace(PASSWORD_IN_TEXT, '$1$2***');
}

export function checkedToken(token: string): string {
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH)
    throw new MultiDbError(
      'InvalidHealthConfig',
      `the health detail token must be a string of at least ${MIN_TOKEN_LENGTH} characters`,
    );
  return token;
}

/** Hashing first gives equal-length buffers, so the comparison time does not depend on the token's length. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function authorize(
  header: string | null,
  expected: Buffer | undefined,
): 'anonymous' | 'granted' | 'denied' {
  if (header === null) return 'anonymous';
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (expected === undefined || match === null) return 'denied';
  return timingSafeEqual(tokenDigest(match[1] as string), expected) ? 'granted' : 'denied';
}

function respond(
  req: Request,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  const all = { ...JSON_HEADERS, ...headers };
  return new Response(req.method === 'HEAD' ? null : JSON.stringify(body), { status, headers: all });
}
