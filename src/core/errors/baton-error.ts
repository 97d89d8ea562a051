const marker = Symbol.for("baton.error");

/**
 * The base of every error Baton throws on purpose. Subclasses carry typed fields
 * and a `cause`; use `isInstance` rather than `instanceof` so errors from another
 * copy of the package are still recognised.
 */
export class BatonError extends Error {
  readonly [marker] = true;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "BatonError";
  }

  static isInstance(error: unknown): error is BatonError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
