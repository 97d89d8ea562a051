import type { ResponseCacheStore } from "../../core/ports/response-cache-store.js";
import { cacheJson, checkCacheEntry } from "../argument-checks.js";
import type { StatementCache } from "./sqlite-codec.js";

/**
 * The response-cache half of SqliteStore: one row per entry in the `response_cache` table
 * of the same file, so cached model responses survive the process and are shared by every
 * process that opens the file. Expired rows are never served; `prune` deletes them.
 */
export class SqliteResponseCache implements ResponseCacheStore {
  readonly #statements: StatementCache;
  readonly #guard: <T>(action: string, work: () => T) => T;

  constructor(options: {
    statements: StatementCache;
    guard: <T>(action: string, work: () => T) => T;
  }) {
    this.#statements = options.statements;
    this.#guard = options.guard;
  }

  async get(key: string, options: { now: number }): Promise<unknown> {
    checkCacheEntry("get", key, { name: "now", value: options?.now });
    const row = this.#guard("responseCache.get", () =>
      this.#statements
        .get("SELECT value FROM response_cache WHERE key = ? AND expires_at > ?")
        .get(key, options.now),
    );
    return row === undefined ? undefined : JSON.parse(row.value as string);
  }

  async set(key: string, value: unknown, options: { expiresAt: number }): Promise<void> {
    checkCacheEntry("set", key, { name: "expiresAt", value: options?.expiresAt });
    const json = cacheJson("set", value);
    this.#guard("responseCache.set", () =>
      this.#statements
        .get("INSERT OR REPLACE INTO response_cache (key, value, expires_at) VALUES (?, ?, ?)")
        .run(key, json, options.expiresAt),
    );
  }

  async delete(key: string): Promise<boolean> {
    return this.#guard(
      "responseCache.delete",
      () =>
        Number(this.#statements.get("DELETE FROM response_cache WHERE key = ?").run(key).changes) >
        0,
    );
  }

  async prune(options: { now: number }): Promise<number> {
    checkCacheEntry("prune", "-", { name: "now", value: options?.now });
    return this.#guard("responseCache.prune", () =>
      Number(
        this.#statements.get("DELETE FROM response_cache WHERE expires_at <= ?").run(options.now)
          .changes,
      ),
    );
  }
}
