export { splitClientsFromPglite } from './split-clients-pglite.js';
