import * as config from './config.js';
import * as customer from './customer.js';
import * as dataRelations from './data-relations.js';
import * as primaryRelations from './primary-relations.js';
import * as reference from './reference.js';
import * as workspace from './workspace.js';

/** Everything in the PRIMARY database (`config`, `customer`), relations included: pass to `drizzle({ schema })`. */
export const primarySchema = { ...config, ...customer, ...primaryRelations };

/** Everything in the DATA database (`workspace`, `reference`), relations included. */
export const dataSchema = { ...workspace, ...reference, ...dataRelations };

/** Both sides: the schema of the single connection when `SPLIT_DB_MODE=false`. */
export const schema = { ...primarySchema, ...dataSchema };

export type PrimarySchema = typeof primarySchema;
export type DataSchema = typeof dataSchema;
export type ExampleSchema = typeof schema;
