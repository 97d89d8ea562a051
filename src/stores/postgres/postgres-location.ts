import { redactLocation } from "../redact-location.js";
import { StoreError } from "../store-error.js";

/** What a `postgres://` location says, checked: the URL for the driver, and Baton's own parameters. */
export interface PostgresLocation {
  /** The URL without Baton's own parameters (the driver sends unknown ones to the server). */
  url: string;
  /** The URL as messages show it: the password replaced by `***`. */
  label: string;
  /** The `schema` parameter, when given. */
  schema: string | undefined;
  /** The `connect_timeout` parameter (seconds, as libpq reads it), in ms, when given. */
  connectTimeoutMs: number | undefined;
}

/** Schema names Baton creates and quotes nowhere: lower-case, a letter or `_` first. */
export const schemaPattern = /^[a-z_][a-z0-9_]{0,47}$/;

export function isSchemaName(name: unknown): name is string {
  return typeof name === "string" && schemaPattern.test(name);
}

export const schemaNameRule =
  "lower-case letters, digits and _, starting with a letter or _, at most 48";

/**
 * Reads a `postgres://user:password@host:port/database?schema=name` location. Throws a
 * `StoreError` coded `invalid-location` (naming the location without its password) when it
 * is not one.
 */
export function parsePostgresLocation(location: string): PostgresLocation {
  const label = redactLocation(location);
  const invalid = (reason: string) =>
    new StoreError(
      `Cannot open ${label}: ${reason}. Expected postgres://user:password@host:port/database (optionally ?schema=name)`,
      { code: "invalid-location" },
    );
  let parsed: URL;
  try {
    parsed = new URL(location);
  } catch {
    throw invalid(
      "it is not a valid URL (a port that is not a number? a password with @ or / not percent-encoded?)",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw invalid(`the scheme is ${parsed.protocol} rather than postgres:`);
  }
  if (parsed.pathname.length > 1 && parsed.pathname.slice(1).includes("/")) {
    throw invalid(`"${parsed.pathname.slice(1)}" is not a database name`);
  }
  const schema = parsed.searchParams.get("schema") ?? undefined;
  if (schema !== undefined && !isSchemaName(schema)) {
    throw invalid(
      `schema=${schema} is not a schema name Baton uses (${schemaNameRule} characters)`,
    );
  }
  const timeout = parsed.searchParams.get("connect_timeout") ?? undefined;
  let connectTimeoutMs: number | undefined;
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!(Number.isFinite(seconds) && seconds > 0)) {
      throw invalid(`connect_timeout=${timeout} is not a number of seconds > 0`);
    }
    connectTimeoutMs = seconds * 1000;
  }
  parsed.searchParams.delete("schema");
  parsed.searchParams.delete("connect_timeout");
  return { url: parsed.toString(), label, schema, connectTimeoutMs };
}
