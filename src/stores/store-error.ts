import { BatonError } from "../core/errors/baton-error.js";
import { errorMarker } from "../core/errors/error-marker.js";

const name = "StoreError";
const marker = errorMarker(name);

/** Why a store refused an operation. */
export type StoreErrorCode =
  /** `createRun` with an id that already exists. */
  | "run-exists"
  /** An operation named a run the store does not hold. */
  | "run-not-found"
  /** `saveSchedule` with an id that already exists. */
  | "schedule-exists"
  /** An operation named a schedule the store does not hold. */
  | "schedule-not-found"
  /** The store was closed. */
  | "closed"
  /** An append named an owner that no longer holds the run (another process took it over). */
  | "not-owner"
  /** Opening with `mustExist`, or read-only: there is no store at that location yet. */
  | "store-not-found"
  /** The file (or database schema) is not Baton's, or is damaged or truncated. */
  | "corrupt"
  /** The file or database was written by a newer Baton (unknown schema version). */
  | "unsupported-schema"
  /** The store location cannot be read (a malformed `postgres://` URL, say). */
  | "invalid-location"
  /** The database server cannot be reached: refused, unknown host, timed out, connection lost. */
  | "connection"
  /** The server refused the credentials, or the role lacks a privilege the store needs. */
  | "auth"
  /** The underlying driver failed (disk full, locked too long, ...); see `cause`. */
  | "io";

/**
 * A run or schedule store refused an operation. `code` says why; `path` names the file
 * for stores that have one (SQLite), so a user can find the database in question. Stores
 * on a server (PostgreSQL) name it in the message, without its password.
 */
export class StoreError extends BatonError {
  readonly [marker] = true;
  override readonly code: StoreErrorCode;
  readonly path: string | undefined;

  constructor(
    message: string,
    options: { code: StoreErrorCode; path?: string | undefined; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = name;
    this.code = options.code;
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is StoreError {
    return BatonError.hasMarker(error, marker);
  }
}
