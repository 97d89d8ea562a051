import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResponseCacheStore } from "./response-cache-store.js";

/** A response cache store under test, and how to close what holds it. */
export interface OpenResponseCacheStore {
  store: ResponseCacheStore;
  close(): Promise<void>;
}

export interface ResponseCacheStoreFixture extends OpenResponseCacheStore {
  /** Opens a second handle on the same data, for cross-handle checks; omit for memory. */
  openPeer?: () => Promise<OpenResponseCacheStore>;
  cleanup?: () => Promise<void>;
}

/**
 * The ResponseCacheStore contract, as vitest specs, run against every adapter with a
 * factory that makes a fresh, empty store per test.
 *
 * @example
 * responseCacheStoreConformance("MemoryResponseCache", async () => ({
 *   store: new MemoryResponseCache(),
 *   close: async () => {},
 * }));
 */
export function responseCacheStoreConformance(
  name: string,
  makeStore: () => Promise<ResponseCacheStoreFixture>,
): void {
  describe(`${name} (ResponseCacheStore conformance)`, () => {
    let fixture: ResponseCacheStoreFixture;
    let store: ResponseCacheStore;
    const peers: OpenResponseCacheStore[] = [];

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      for (const peer of peers.splice(0)) await peer.close();
      await fixture.close();
      await fixture.cleanup?.();
    });

    it("returns what was stored under a key, as JSON data", async () => {
      const value = { content: [{ type: "text", text: "résumé — 42" }], nested: { a: [1, null] } };
      await store.set("k1", value, { expiresAt: 1_000 });
      expect(await store.get("k1", { now: 0 })).toEqual(value);
      expect(await store.get("k2", { now: 0 })).toBeUndefined();
    });

    it("keeps its own copy: changing the stored or returned value changes nothing", async () => {
      const value = { list: [1, 2] };
      await store.set("k", value, { expiresAt: 1_000 });
      value.list.push(3);
      const read = (await store.get("k", { now: 0 })) as { list: number[] };
      expect(read).toEqual({ list: [1, 2] });
      read.list.push(4);
      expect(await store.get("k", { now: 0 })).toEqual({ list: [1, 2] });
    });

    it("serves an entry until its expiry time, and never at or after it", async () => {
      await store.set("k", "v", { expiresAt: 1_000 });
      expect(await store.get("k", { now: 999 })).toBe("v");
      expect(await store.get("k", { now: 1_000 })).toBeUndefined();
      expect(await store.get("k", { now: 5_000 })).toBeUndefined();
    });

    it("replaces an entry and its expiry on set", async () => {
      await store.set("k", "old", { expiresAt: 100 });
      await store.set("k", "new", { expiresAt: 2_000 });
      expect(await store.get("k", { now: 500 })).toBe("new");
    });

    it("deletes an entry, and says whether there was one", async () => {
      await store.set("k", "v", { expiresAt: 1_000 });
      expect(await store.delete("k")).toBe(true);
      expect(await store.delete("k")).toBe(false);
      expect(await store.get("k", { now: 0 })).toBeUndefined();
    });

    it("prunes the entries that expired, and keeps the others", async () => {
      await store.set("a", 1, { expiresAt: 100 });
      await store.set("b", 2, { expiresAt: 200 });
      await store.set("c", 3, { expiresAt: 300 });
      expect(await store.prune({ now: 200 })).toBe(2);
      expect(await store.get("c", { now: 250 })).toBe(3);
      expect(await store.prune({ now: 200 })).toBe(0);
    });

    it("rejects bad arguments with a TypeError naming them", async () => {
      await expect(store.set("", 1, { expiresAt: 1 })).rejects.toThrow(TypeError);
      await expect(store.set("k", 1, { expiresAt: Number.NaN })).rejects.toThrow(/expiresAt/);
      await expect(store.get("k", { now: "x" as never })).rejects.toThrow(/now/);
      await expect(store.set("k", { big: 1n }, { expiresAt: 1 })).rejects.toThrow(TypeError);
    });

    it("shares entries with another handle on the same data", async () => {
      const peer = await fixture.openPeer?.();
      if (!peer) return;
      peers.push(peer);
      await store.set("shared", { text: "hi" }, { expiresAt: 1_000 });
      expect(await peer.store.get("shared", { now: 0 })).toEqual({ text: "hi" });
    });
  });
}
