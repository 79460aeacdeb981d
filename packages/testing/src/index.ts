export * from './net-index.js';
export * from './pg-index.js';
export * from './pglite-index.js';
export {
  type RelationalQueryOptions,
  relationalQueryOptions,
} from './relational-query-options.js';
export * from './replicas-index.js';
