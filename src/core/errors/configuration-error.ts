import { BatonError } from "./baton-error.js";

const marker = Symbol.for("baton.error.configuration");

/**
 * Something the user must fix before any work can start: a missing API key, an
 * unknown provider, an invalid spec. `path` names where, when there is a where.
 */
export class ConfigurationError extends BatonError {
  readonly [marker] = true;
  readonly path: string | undefined;

  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ConfigurationError";
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is ConfigurationError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
