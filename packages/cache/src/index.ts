export { MemoryCache, type MemoryCacheOptions, type MemoryCacheStats } from './memory-cache.js';
