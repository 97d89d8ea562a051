import { BatonError } from "./baton-error.js";

const marker = Symbol.for("baton.error.timeout");

/** A call or run took longer than its `timeout`. Retryable, like a provider timeout. */
export class TimeoutError extends BatonError {
  readonly [marker] = true;
  readonly timeoutMs: number;
  readonly isRetryable = true;

  constructor(message: string, options: { timeoutMs: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "TimeoutError";
    this.timeoutMs = options.timeoutMs;
  }

  static override isInstance(error: unknown): error is TimeoutError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
