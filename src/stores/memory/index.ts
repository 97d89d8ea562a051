export { StoreError, type StoreErrorCode } from "../store-error.js";
export { MemoryResponseCache } from "./memory-response-cache.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.js";
