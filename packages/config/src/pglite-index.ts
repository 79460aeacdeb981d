export { type FromPgliteOptions, fromPglite } from './from-pglite.js';
