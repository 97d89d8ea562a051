import { BatonError } from "./baton-error.js";
import { errorMarker } from "./error-marker.js";

const name = "ConfigurationError";
const marker = errorMarker(name);

/**
 * Something the user must fix before any work can start: a missing API key, an
 * unknown provider, an invalid spec. `path` names where, when there is a where.
 */
export class ConfigurationError extends BatonError {
  readonly [marker] = true;
  readonly path: string | undefined;

  constructor(message: string, options: { path?: string; cause?: unknown; code?: string } = {}) {
    super(message, { cause: options.cause, code: options.code ?? "configuration" });
    this.name = name;
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is ConfigurationError {
    return BatonError.hasMarker(error, marker);
  }
}
