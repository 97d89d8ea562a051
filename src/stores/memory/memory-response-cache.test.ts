import { responseCacheStoreConformance } from "../../core/ports/response-cache-store.conformance.js";
import { MemoryResponseCache } from "./memory-response-cache.js";

responseCacheStoreConformance("MemoryResponseCache", async () => ({
  store: new MemoryResponseCache(),
  close: async () => {},
}));
