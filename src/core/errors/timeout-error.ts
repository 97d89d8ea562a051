import { BatonError } from "./baton-error.js";
import { errorMarker } from "./error-marker.js";

const name = "TimeoutError";
const marker = errorMarker(name);

/** A call or run took longer than its `timeout`. Retryable, like a provider timeout. */
export class TimeoutError extends BatonError {
  readonly [marker] = true;
  readonly timeoutMs: number;
  readonly isRetryable = true;

  constructor(message: string, options: { timeoutMs: number; cause?: unknown }) {
    super(message, { cause: options.cause, code: "timeout" });
    this.name = name;
    this.timeoutMs = options.timeoutMs;
  }

  static override isInstance(error: unknown): error is TimeoutError {
    return BatonError.hasMarker(error, marker);
  }
}
