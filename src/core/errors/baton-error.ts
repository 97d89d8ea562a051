import { errorMarker } from "./error-marker.js";

const marker = errorMarker("BatonError");

/**
 * The base of every error Baton throws on purpose. Subclasses carry typed fields, a
 * stable `code` and a `cause`; use `isInstance` rather than `instanceof` so errors from
 * another copy of the package are still recognised.
 */
export class BatonError extends Error {
  readonly [marker] = true;
  /** What went wrong, for programs: stable across versions (kebab-case, e.g. `timeout`). */
  readonly code: string;

  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = "BatonError";
    this.code = options.code ?? "error";
  }

  static isInstance(error: unknown): error is BatonError {
    return BatonError.hasMarker(error, marker);
  }

  /** Whether `error` carries `marker` (see `errorMarker`): the body of every `isInstance`. */
  protected static hasMarker(error: unknown, marker: symbol): boolean {
    return typeof error === "object" && error !== null && marker in error;
  }
}
