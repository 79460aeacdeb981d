export { pgBinariesAvailable, pgBinDir, pgPrerequisitesMissing } from './pg/pg-binaries.js';
export type { PgCluster, PgClusterOptions } from './pg/pg-cluster.js';
export { startPgCluster } from './pg/pg-cluster.js';
export type { PgSettings } from './pg/pg-conf.js';
export type { PgNode } from './pg/pg-node.js';
