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

function received(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "object" ? "an object" : String(value);
}

/**
 * Checks a `cache` option (`where` names it in the TypeError) and decides its store:
 * the given one, else `defaultStore()`. `undefined` and `false` are no cache.
 */
export function resolveCacheOption(
  where: string,
  given: unknown,
  defaultStore: () => ResponseCacheStore,
): ResolvedResponseCache | undefined {
  if (given === undefined || given === false) return undefined;
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    throw new TypeError(`${where}: expected { ttlMs, store? }, received ${received(given)}`);
  }
  const { ttlMs, store } = given as Partial<ResponseCacheOptions>;
  if (!(typeof ttlMs === "number" && ttlMs > 0 && !Number.isNaN(ttlMs))) {
    throw new TypeError(`${where}.ttlMs: expected a number of ms > 0, received ${received(ttlMs)}`);
  }
  if (store !== undefined && !isResponseCacheStore(store)) {
    throw new TypeError(
      `${where}.store: expected a ResponseCacheStore (get, set), received ${received(store)}`,
    );
  }
  return { ttlMs, store: store ?? defaultStore() };
}

export function isResponseCacheStore(value: unknown): value is ResponseCacheStore {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ResponseCacheStore).get === "function" &&
    typeof (value as ResponseCacheStore).set === "function"
  );
}
