import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { StoreAdapter } from "../store-adapter.js";
import { StoreError } from "../store-error.js";

/**
 * `sqlite:<path>` (and a bare path): an SQLite file, relative paths read from `cwd`;
 * `sqlite::memory:` for a throwaway database. `sqlite:///abs/path.db` is read as
 * `/abs/path.db`. `node:sqlite` loads only when a store is opened.
 */
export const sqliteStoreAdapter: StoreAdapter = {
  schemes: ["sqlite"],
  async open({ rest }, { readOnly = false, mustExist = false, cwd = process.cwd() }) {
    const given = rest.startsWith("///") ? rest.slice(2) : rest;
    if (given === "") {
      throw new TypeError("sqlite: store location: expected a file path after sqlite:");
    }
    const path = given === ":memory:" ? given : resolve(cwd, given);
    if ((mustExist || readOnly) && path !== ":memory:" && !existsSync(path)) {
      throw new StoreError(`There is no Baton store at ${path}`, {
        code: "store-not-found",
        path,
      });
    }
    const { SqliteStore } = await import("./sqlite-store.js");
    const store = new SqliteStore({ path, readOnly });
    return { runs: store, schedules: store.schedules, close: () => store.close() };
  },
};
