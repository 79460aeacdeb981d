// Namespace imports where the release lines differ (a named import of a member the installed drizzle-orm lacks
// is a link error under Node ESM): the table key is `extractUsedTable` (pg-core) on 0.45, `getCacheKey` on 1.0.
import * as orm from 'drizzle-orm';
import { is, Table } from 'drizzle-orm';
import type { MutationOption } from 'drizzle-orm/cache/core';
import { Cache } from 'drizzle-orm/cache/core';
import type { CacheConfig } from 'drizzle-orm/cache/core/types';
import * as pgCore from 'drizzle-orm/pg-core';

export interface MemoryCacheOptions {
  /** Time to live when a query gives none (`$withCache({ config: { ex } })`). Seed 002 used 30 s for sessions. */
  readonly ttlMs?: number;
  /** Entries kept at most; the least recently used go first. */
  readonly maxEntries?: number;
  /** `explicit` (default): only queries that call `.$withCache()` are cached. `all`: every select. */
  readonly strategy?: 'explicit' | 'all';
  readonly now?: () => number;
}

export interface MemoryCacheStats {
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
  readonly invalidations: number;
  readonly evictions: number;
}

interface Entry {
  readonly value: unknown[];
  readonly expiresAt: number;
  readonly tables: readonly string[];
}

/**
 * An in-process TTL cache behind Drizzle's own `Cache` interface: pass it to `connect(url, { cache })` for every
 * node that shares the data, opt in per query with `.$withCache()`. Writes through Drizzle on any of those nodes
 * invalidate the entries of the tables they touch; raw `db.execute` does not (Drizzle cannot tell its tables).
 */
export class MemoryCache extends Cache {
  readonly #entries = new Map<string, Entry>();
  readonly #byTable = new Map<string, Set<string>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #strategy: 'explicit' | 'all';
  readonly #now: () => number;
  #hits = 0;
  #misses = 0;
  #invalidations = 0;
  #evictions = 0;

  constructor(options: MemoryCacheOptions = {}) {
    super();
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#strategy = options.strategy ?? 'explicit';
    this.#now = options.now ?? Date.now;
  }

  override strategy(): 'explicit' | 'all' {
    return this.#strategy;
  }

  override async get(key: string): Promise<unknown[] | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt <= this.#now()) {
      if (entry) this.#delete(key);
      this.#misses++;
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#hits++;
    return entry.value;
  }

  override async put(
    key: string,
    response: unknown,
    tables: string[],
    _isTag: boolean,
    config?: CacheConfig,
  ) {
    this.#delete(key);
    this.#entries.set(key, { value: response as unknown[], expiresAt: this.#expiry(config), tables });
    for (const table of tables) {
      const keys = this.#byTable.get(table) ?? new Set<string>();
      keys.add(key);
      this.#byTable.set(table, keys);
    }
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#delete(oldest);
      this.#evictions++;
    }
  }

  override async onMutate(params: MutationOption): Promise<void> {
    for (const tag of toArray(params.tags)) {
      if (this.#delete(tag)) this.#invalidations++;
    }
    for (const table of toArray(params.tables).flatMap(tableNames)) {
      for (const key of [...(this.#byTable.get(table) ?? [])]) {
        if (this.#delete(key)) this.#invalidations++;
      }
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#byTable.clear();
  }

  stats(): MemoryCacheStats {
    return {
      entries: this.#entries.size,
      hits: this.#hits,
      misses: this.#misses,
      invalidations: this.#invalidations,
      evictions: this.#evictions,
    };
  }

  #expiry(config: CacheConfig | undefined): number {
    const now = this.#now();
    if (config?.pxat !== undefined) return config.pxat;
    if (config?.exat !== undefined) return config.exat * 1000;
    if (config?.px !== undefined) return now + config.px;
    if (config?.ex !== undefined) return now + config.ex * 1000;
    return now + this.#ttlMs;
  }

  #delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    this.#entries.delete(key);
    for (const table of entry.tables) {
      const keys = this.#byTable.get(table);
      keys?.delete(key);
      if (keys?.size === 0) this.#byTable.delete(table);
    }
    return true;
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The key drizzle-orm 1.0 gives a table's queries (`schema.name`, or `name`). */
const getCacheKey = (orm as { getCacheKey?: (table: Table) => string }).getCacheKey;
/** The same on 0.45 (pg-core's `extractUsedTable`). */
const extractUsedTable = (pgCore as { extractUsedTable?: (table: Table) => string[] }).extractUsedTable;

/** The names under which the installed drizzle-orm reports `table`'s queries to the cache (`put`'s `tables`). */
function tableNames(table: unknown): string[] {
  if (typeof table === 'string') return [table];
  if (!is(table, Table)) return [];
  if (getCacheKey !== undefined) return [getCacheKey(table)];
  if (extractUsedTable !== undefined) return extractUsedTable(table);
  throw new TypeError(
    `MemoryCache: this drizzle-orm has neither getCacheKey (1.0) nor pg-core extractUsedTable (0.45); unsupported drizzle-orm version`,
  );
}
