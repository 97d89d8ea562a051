import type { ResponseCacheStore } from "./ports/response-cache-store.js";

/**
 * A response cache for agents: a model call whose request (model, messages, tools and call
 * settings) was answered before, within `ttlMs`, is answered from `store` instead of the
 * model. Opt in per agent (`agent({ cache })`), per agent run (`agent.run(input, { cache })`)
 * or per workflow run (`flow.run(input, { cache })`).
 */
export interface ResponseCacheOptions {
  /** How long a stored response is served, in ms. */
  ttlMs: number;
  /**
   * Where responses are kept: `new MemoryResponseCache()` (one process), or a durable one
   * (`SqliteStore`'s or `PostgresStore`'s `responseCache`), shared by the processes that
   * open the same file or database.
   * @default an agent's: a MemoryResponseCache of its own; a workflow run's: the run store's
   */
  store?: ResponseCacheStore;
}

/** A response cache with its store decided (internal). */
export interface ResolvedResponseCache {
  ttlMs: number;
  store: ResponseCacheStore;
}

/**
 * A `cache` option with its store decided: the given one, else `defaultStore()`.
 * `undefined` and `false` are no cache. The option was checked where it was given.
 */
export function resolveCacheOption(
  given: ResponseCacheOptions | false | undefined,
  defaultStore: () => ResponseCacheStore,
): ResolvedResponseCache | undefined {
  if (given === undefined || given === false) return undefined;
  return { ttlMs: given.ttlMs, store: given.store ?? defaultStore() };
}
