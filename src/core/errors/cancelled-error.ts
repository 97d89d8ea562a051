import { BatonError } from "./baton-error.js";

const marker = Symbol.for("baton.error.cancelled");

/** Work stopped because its AbortSignal fired (a `cancel()` or a caller's signal). Never retried. */
export class CancelledError extends BatonError {
  readonly [marker] = true;

  constructor(message = "The operation was cancelled", options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "CancelledError";
  }

  static override isInstance(error: unknown): error is CancelledError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
