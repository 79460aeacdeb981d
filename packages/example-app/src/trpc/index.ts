export { type AppRouter, type AppRouterOptions, createAppCaller, createAppRouter } from './app-router.js';
export { createClientInput, listClientsInput } from './client-router.js';
export { createTrpcFetchHandler, type TrpcFetchHandlerOptions } from './fetch-handler.js';
export { createTrpcNodeHandler } from './node-handler.js';
export { createOrganizationInput } from './organization-router.js';
export { type OrganizationWithUsers, organizationWithUsers } from './organization-with-users.js';
export type { AppContext, PrimaryRouter } from './trpc.js';
