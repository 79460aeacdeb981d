export * from './pg-index.js';
export * from './pglite-index.js';
