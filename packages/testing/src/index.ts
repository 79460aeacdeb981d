export * from './pg-index.js';
