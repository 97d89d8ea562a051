import type { ResponseCacheStore } from "../../core/ports/response-cache-store.js";
import { cacheJson, checkCacheEntry } from "../argument-checks.js";

/**
 * A ResponseCacheStore held in process memory: the default store of an agent's response
 * cache. Values are kept as JSON text, as a durable store would keep them, so what comes
 * back is a copy and what cannot be stored fails here too. Expired entries are dropped
 * when read, and by `prune`.
 */
export class MemoryResponseCache implements ResponseCacheStore {
  readonly #entries = new Map<string, { json: string; expiresAt: number }>();

  async get(key: string, options: { now: number }): Promise<unknown> {
    checkCacheEntry("get", key, { name: "now", value: options?.now });
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= options.now) {
      this.#entries.delete(key);
      return undefined;
    }
    return JSON.parse(entry.json);
  }

  async set(key: string, value: unknown, options: { expiresAt: number }): Promise<void> {
    checkCacheEntry("set", key, { name: "expiresAt", value: options?.expiresAt });
    this.#entries.set(key, { json: cacheJson("set", value), expiresAt: options.expiresAt });
  }

  async delete(key: string): Promise<boolean> {
    return this.#entries.delete(key);
  }

  async prune(options: { now: number }): Promise<number> {
    checkCacheEntry("prune", "-", { name: "now", value: options?.now });
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= options.now) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** How many entries it holds, expired ones not yet dropped included. */
  get size(): number {
    return this.#entries.size;
  }
}
