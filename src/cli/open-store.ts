import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SqliteStore } from "../stores/sqlite/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";

/** Where runs are kept when neither `--store` nor `BATON_STORE` says otherwise. */
export const DEFAULT_STORE_PATH = ".baton/baton.db";

/** The store file: `--store`, else `BATON_STORE`, else `.baton/baton.db`, from `cwd`. */
export function storePath(context: CliContext, flag: string | undefined): string {
  return resolve(context.cwd, flag ?? context.env.BATON_STORE ?? DEFAULT_STORE_PATH);
}

/**
 * Opens the run store. `mustExist` is for commands that read runs (`show`, `resume`,
 * `approve`): a missing file is bad input rather than a new, empty store.
 */
export function openStore(
  context: CliContext,
  flag: string | undefined,
  { mustExist = false, readOnly = false }: { mustExist?: boolean; readOnly?: boolean } = {},
): SqliteStore {
  const path = storePath(context, flag);
  if ((mustExist || readOnly) && !existsSync(path)) {
    throw new CliInputError(
      `No run store at ${path}: start a run with "baton run <spec>" first, or name the store with --store <path>.`,
    );
  }
  try {
    return new SqliteStore({ path, readOnly });
  } catch (error) {
    throw new CliInputError(`Cannot open the run store ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
