import { BatonError } from "./baton-error.js";
import { errorMarker } from "./error-marker.js";

const name = "ModelCallError";
const marker = errorMarker(name);

/** A model call failed. `isRetryable` says whether a retry may help (429, 5xx, timeout, network). */
export class ModelCallError extends BatonError {
  readonly [marker] = true;
  readonly model: string;
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    message: string;
    model: string;
    statusCode?: number;
    isRetryable: boolean;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause, code: "model-call-failed" });
    this.name = name;
    this.model = options.model;
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable;
    this.retryAfterMs = options.retryAfterMs;
  }

  static override isInstance(error: unknown): error is ModelCallError {
    return BatonError.hasMarker(error, marker);
  }
}
