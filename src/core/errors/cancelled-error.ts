import { BatonError } from "./baton-error.js";
import { errorMarker } from "./error-marker.js";

const name = "CancelledError";
const marker = errorMarker(name);

/** Work stopped because its AbortSignal fired (a `cancel()` or a caller's signal). Never retried. */
export class CancelledError extends BatonError {
  readonly [marker] = true;

  constructor(message = "The operation was cancelled", options: { cause?: unknown } = {}) {
    super(message, { ...options, code: "cancelled" });
    this.name = name;
  }

  static override isInstance(error: unknown): error is CancelledError {
    return BatonError.hasMarker(error, marker);
  }
}
