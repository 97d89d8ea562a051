import { ConfigurationError } from "../core/errors/configuration-error.js";
import { memoryStoreAdapter } from "./memory/memory-store-adapter.js";
import { postgresStoreAdapter } from "./postgres/postgres-store-adapter.js";
import { sqliteStoreAdapter } from "./sqlite/sqlite-store-adapter.js";
import type { OpenedStores, OpenStoreOptions, StoreAdapter } from "./store-adapter.js";

/** The adapters Baton knows by scheme. A new store adds its adapter here, nowhere else. */
export const storeAdapters: readonly StoreAdapter[] = [
  sqliteStoreAdapter,
  memoryStoreAdapter,
  postgresStoreAdapter,
];

/** `<scheme>:` at the start of a location; one letter is a Windows drive, not a scheme. */
const schemePattern = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

/**
 * Opens the stores at `location`: `sqlite:<path>`, `memory:`, or a bare file path (an
 * SQLite file). Relative paths are read from `options.cwd`.
 * @throws ConfigurationError for a scheme no adapter opens, listing the known ones.
 * @example const { runs, schedules, close } = await openStoreLocation("sqlite:.baton/baton.db");
 */
export async function openStoreLocation(
  location: string,
  options: OpenStoreOptions & { adapters?: readonly StoreAdapter[] } = {},
): Promise<OpenedStores> {
  if (typeof location !== "string" || location.trim() === "") {
    throw new TypeError(
      `store location: expected "sqlite:<path>", "memory:" or a file path, received ${JSON.stringify(location)}`,
    );
  }
  const { adapters = storeAdapters, ...rest } = options;
  const match = schemePattern.exec(location);
  const scheme = match ? match[1]!.toLowerCase() : "sqlite";
  const adapter = adapters.find((candidate) => candidate.schemes.includes(scheme));
  if (!adapter) {
    const known = adapters.flatMap((candidate) => candidate.schemes.map((name) => `${name}:`));
    throw new ConfigurationError(
      `No store opens "${scheme}:" locations (${location}); known: ${known.join(", ")}, or a file path for SQLite`,
      { path: "store" },
    );
  }
  return adapter.open(
    { url: location, scheme, rest: match ? location.slice(match[0].length) : location },
    rest,
  );
}
