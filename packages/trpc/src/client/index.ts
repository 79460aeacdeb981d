export {
  ConsistencyLinkError,
  type ConsistencyLinkErrorCode,
  isConsistencyLinkError,
} from './consistency-link-error.js';
export {
  CONSISTENCY_HEADER,
  createReadYourWrites,
  type FetchFunction,
  type ReadYourWrites,
  type ReadYourWritesLinkOptions,
  type ReadYourWritesOptions,
} from './read-your-writes.js';
export { isWellFormedToken, newerToken } from './token-order.js';
export type { ConsistencyTokenStorage } from './token-storage.js';
export {
  type ConsistencyTokenStore,
  createConsistencyTokenStore,
  DEFAULT_STORAGE_KEY,
  type TokenStoreOptions,
} from './token-store.js';
