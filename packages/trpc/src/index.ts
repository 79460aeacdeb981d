export { type CallerConsistency, callerConsistency } from './caller-consistency.js';
export {
  type ConsistencyCarrier,
  type CookieTransport,
  consistencyCarrier,
  consistencyFromFetch,
  consistencyFromNode,
  DEFAULT_TOKEN_HEADER,
  type HeaderAccess,
  type RequestConsistency,
  type TransportOptions,
} from './consistency-transport.js';
export { createDbMiddleware, type DbAccessor, type DbContext, type DbMiddleware } from './db-middleware.js';
