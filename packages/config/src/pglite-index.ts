export { type FromPgliteOptions, fromPglite } from './driver/pglite/open.js';
