export { type ExampleLayout, splitLayout } from './layout.js';
export { configSchema, roles, sessions, userRoles, userStatus, users } from './schema/config.js';
export { clients, customerSchema, organizationPlan, organizations } from './schema/customer.js';
export {
  countriesRelations,
  currenciesRelations,
  documentsRelations,
  exchangeRatesRelations,
  importsRelations,
  invoicesRelations,
  jobExecutionsRelations,
  transformationsRelations,
} from './schema/data-relations.js';
export { type DataRelations, dataRelations } from './schema/data-relations-v2.js';
export {
  type DataSchema,
  dataSchema,
  type ExampleSchema,
  type PrimarySchema,
  primarySchema,
  schema,
} from './schema/index.js';
export {
  clientsRelations,
  organizationsRelations,
  rolesRelations,
  sessionsRelations,
  userRolesRelations,
  usersRelations,
} from './schema/primary-relations.js';
export { type PrimaryRelations, primaryRelations } from './schema/primary-relations-v2.js';
export { countries, currencies, exchangeRates, referenceSchema } from './schema/reference.js';
export {
  type ExampleRelations,
  type ForDrizzleLine,
  type PrimaryRelational,
  type RelationalOptions,
  relationalOptions,
} from './schema/relational-options.js';
export {
  auditLog,
  documents,
  importStatus,
  imports,
  invoiceStatus,
  invoices,
  jobExecutions,
  jobStatus,
  transformations,
  workspaceSchema,
} from './schema/workspace.js';
export { createFactories, type Factories, type FactoryOptions } from './seed/factories.js';
export { createRandom, type Random } from './seed/random.js';
export {
  COUNTRIES,
  CURRENCIES,
  makeExchangeRates,
  type ReferenceDataCounts,
  type ReferenceDataOptions,
  seedReferenceData,
} from './seed/reference-data.js';
export { type SampleDataCounts, type SampleDataOptions, seedSampleData } from './seed/sample-data.js';
export {
  type AppContext,
  type AppRouter,
  type AppRouterOptions,
  createAppCaller,
  createAppRouter,
  createClientInput,
  createOrganizationInput,
  createTrpcFetchHandler,
  createTrpcNodeHandler,
  listClientsInput,
  type OrganizationWithUsers,
  organizationWithUsers,
  type PrimaryRouter,
  type TrpcFetchHandlerOptions,
} from './trpc/index.js';
