import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { RunRecord, RunStore } from "../core/ports/run-store.js";
import { openStoreLocation } from "../stores/open-store-location.js";
import { redactLocation } from "../stores/redact-location.js";
import { StoreError } from "../stores/store-error.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";

/** Where runs are kept when neither `--store` nor `BATON_STORE` says otherwise. */
export const DEFAULT_STORE_PATH = ".baton/baton.db";

/** `<scheme>:` at the start of a location (one letter is a Windows drive, not a scheme). */
const schemePattern = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

/** The store location: `--store`, else `BATON_STORE`, else `.baton/baton.db`. */
function locationOf(context: CliContext, flag: string | undefined): string {
  return flag ?? context.env.BATON_STORE ?? DEFAULT_STORE_PATH;
}

/**
 * The SQLite file the store location names, absolute (relative ones are read from where
 * the user stands), or undefined for a store that is not a file (`memory:`, another scheme).
 */
export function storeFile(context: CliContext, flag: string | undefined): string | undefined {
  const location = locationOf(context, flag);
  const match = schemePattern.exec(location);
  if (!match) return resolve(context.cwd, location);
  if (match[1]!.toLowerCase() !== "sqlite") return undefined;
  const rest = location.slice(match[0].length);
  const path = rest.startsWith("///") ? rest.slice(2) : rest;
  return path === ":memory:" ? undefined : resolve(context.cwd, path);
}

/** How the store is named in messages: its file, else its location (without a password). */
export function storeLabel(context: CliContext, flag: string | undefined): string {
  return storeFile(context, flag) ?? redactLocation(locationOf(context, flag));
}

/**
 * Opens the run store named by `--store` / `BATON_STORE` (`sqlite:<path>`, a file path,
 * `memory:`). `mustExist` is for commands that read runs (`show`, `resume`, `approve`): a
 * missing store is bad input rather than a new, empty one. An unknown scheme is a
 * `ConfigurationError` (bad input) naming the known ones.
 */
export async function openStore(
  context: CliContext,
  flag: string | undefined,
  { mustExist = false, readOnly = false }: { mustExist?: boolean; readOnly?: boolean } = {},
): Promise<RunStore> {
  const location = locationOf(context, flag);
  const file = storeFile(context, flag);
  try {
    const opened = await openStoreLocation(file ?? location, {
      cwd: context.cwd,
      mustExist,
      readOnly,
    });
    return opened.runs;
  } catch (error) {
    if (StoreError.isInstance(error) && error.code === "store-not-found") {
      throw new CliInputError(
        `No run store at ${error.path ?? storeLabel(context, flag)}: start a run with "baton run <spec>" first, or name the store with --store <path>.`,
      );
    }
    if (StoreError.isInstance(error)) {
      throw new CliInputError(
        `Cannot open the run store ${storeLabel(context, flag)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Whether the store is an SQLite file that does not exist yet (nothing to read). */
export function storeMissing(context: CliContext, flag: string | undefined): boolean {
  const file = storeFile(context, flag);
  return file !== undefined && !existsSync(file);
}

/**
 * The record of the run `runId` names; bad input naming the store and its most recent runs
 * when there is none.
 */
export async function requireRun(
  store: RunStore,
  runId: string,
  context: CliContext,
  flag: string | undefined,
): Promise<RunRecord> {
  const record = await store.getRun(runId);
  if (record) return record;
  const recent = (await store.listRuns({ limit: 5 })).map((run) => run.id);
  throw new CliInputError(
    `Unknown run "${runId}" in ${storeLabel(context, flag)}${recent.length > 0 ? ` (recent runs: ${recent.join(", ")})` : ""}`,
  );
}
