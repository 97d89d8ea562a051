import { StoreError, type StoreErrorCode } from "../store-error.js";

/** SQLSTATE codes (and driver codes) by what they mean for a user. */
const authStates = new Set(["28000", "28P01", "42501"]);
const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
]);

/** Why a driver error happened, as a store error code. */
function codeOf(error: unknown): StoreErrorCode {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  if (authStates.has(code)) return "auth";
  // Class 08: connection exceptions; 57P0x: the server is shutting down or restarting; 53300: too many connections.
  if (
    connectionCodes.has(code) ||
    code.startsWith("08") ||
    code.startsWith("57P0") ||
    code === "53300"
  ) {
    return "connection";
  }
  if (code === "3D000") return "store-not-found";
  if (code === "CONNECTION_ENDED") return "closed";
  return "io";
}

/** What to add to a driver's message so a user knows what to do. */
function hintFor(code: StoreErrorCode, error: unknown, timeoutMs: number): string {
  const driverCode = (error as { code?: unknown } | null)?.code;
  if (driverCode === "CONNECT_TIMEOUT")
    return ` (no answer within ${timeoutMs} ms: is the server up and the host right?)`;
  if (driverCode === "ECONNREFUSED")
    return " (is PostgreSQL running and listening on that host and port?)";
  if (driverCode === "3D000")
    return " (create it first, e.g. createdb, or name another database in the URL)";
  if (driverCode === "28P01") return " (check the user and password in the URL, or PGPASSWORD)";
  return code === "auth" ? " (check the role's privileges)" : "";
}

/**
 * Wraps a driver error in a `StoreError` that names the server (without its password):
 * `auth`, `connection`, `store-not-found` (no such database), or `io`. Passes Baton's own
 * errors and TypeErrors through.
 */
export function toStoreError(
  error: unknown,
  context: { action: string; label: string; connectTimeoutMs: number },
): unknown {
  if (StoreError.isInstance(error) || error instanceof TypeError) return error;
  const code = codeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(
    `${context.action} failed on ${context.label}: ${reason}${hintFor(code, error, context.connectTimeoutMs)}`,
    { code, cause: error },
  );
}
