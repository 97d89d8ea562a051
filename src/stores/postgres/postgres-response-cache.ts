import type { Sql } from "postgres";
import type { ResponseCacheStore } from "../../core/ports/response-cache-store.js";
import { cacheJson, checkCacheEntry } from "../argument-checks.js";

type Guard = <T>(action: string, work: () => Promise<T>) => Promise<T>;

/**
 * The response-cache half of PostgresStore: one row per entry in the `response_cache`
 * table of the store's schema, so every process and machine on the database shares the
 * cached model responses. Expired rows are never served; `prune` deletes them.
 */
export class PostgresResponseCache implements ResponseCacheStore {
  readonly #sql: Sql;
  readonly #guard: Guard;

  constructor(sql: Sql, guard: Guard) {
    this.#sql = sql;
    this.#guard = guard;
  }

  async get(key: string, options: { now: number }): Promise<unknown> {
    checkCacheEntry("get", key, { name: "now", value: options?.now });
    const [row] = await this.#guard(
      "responseCache.get",
      () => this.#sql<{ value: string }[]>`
        SELECT value FROM response_cache WHERE key = ${key} AND expires_at > ${options.now}`,
    );
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  async set(key: string, value: unknown, options: { expiresAt: number }): Promise<void> {
    checkCacheEntry("set", key, { name: "expiresAt", value: options?.expiresAt });
    const json = cacheJson("set", value);
    await this.#guard(
      "responseCache.set",
      () => this.#sql`
        INSERT INTO response_cache (key, value, expires_at) VALUES (${key}, ${json}, ${options.expiresAt})
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
    );
  }

  async delete(key: string): Promise<boolean> {
    const deleted = await this.#guard(
      "responseCache.delete",
      () => this.#sql`DELETE FROM response_cache WHERE key = ${key} RETURNING 1`,
    );
    return deleted.length > 0;
  }

  async prune(options: { now: number }): Promise<number> {
    checkCacheEntry("prune", "-", { name: "now", value: options?.now });
    const deleted = await this.#guard(
      "responseCache.prune",
      () => this.#sql`DELETE FROM response_cache WHERE expires_at <= ${options.now}`,
    );
    return deleted.count;
  }
}
