/**
 * Where an agent's response cache keeps model responses between calls (and processes),
 * each under a key with an expiry time. Values are plain JSON data. The caller passes the
 * time (`now`) from its own clock, so expiry follows the run's injected clock and a test
 * on a manual clock is exact. Adapters: `MemoryResponseCache` (baton-ai/stores/memory),
 * `SqliteStore`'s `responseCache` (baton-ai/stores/sqlite) and `PostgresStore`'s
 * (baton-ai/stores/postgres). Every adapter passes the ResponseCacheStore conformance suite.
 */
export interface ResponseCacheStore {
  /** The value stored under `key`, unless there is none or it expired (`expiresAt <= now`). */
  get(key: string, options: { now: number }): Promise<unknown>;
  /** Stores `value` under `key` until `expiresAt`, replacing what was there. */
  set(key: string, value: unknown, options: { expiresAt: number }): Promise<void>;
  /** Removes the entry; resolves `false` when there was none. */
  delete(key: string): Promise<boolean>;
  /** Removes every entry that expired by `now`; resolves how many. */
  prune(options: { now: number }): Promise<number>;
}
