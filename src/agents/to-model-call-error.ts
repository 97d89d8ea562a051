import { APICallError, JSONParseError } from "@ai-sdk/provider";
import { BatonError } from "../core/errors/baton-error.js";
import { CancelledError } from "../core/errors/cancelled-error.js";
import { ModelCallError } from "../core/errors/model-call-error.js";
import { isRetryableError, retryAfterOf } from "../core/retry-policy.js";

/**
 * Turns whatever a provider threw into a Baton error (internal). Baton errors pass
 * through; AI SDK `APICallError`s keep their status, retryability and Retry-After;
 * aborts become `CancelledError`; anything else becomes a `ModelCallError` whose
 * retryability follows `isRetryableError` (network errors retry, bugs do not). A response
 * body that is not valid JSON (a truncated or garbled reply) is retried too: it is a
 * fault of the transport or the server, not of the request.
 */
export function toModelCallError(error: unknown, model: string, now: number): Error {
  if (BatonError.isInstance(error)) return error;
  if (APICallError.isInstance(error)) {
    const retryAfterMs = retryAfterOf(error, now);
    return new ModelCallError({
      message: error.message,
      model,
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
      isRetryable: error.isRetryable || JSONParseError.isInstance(error.cause),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      cause: error,
    });
  }
  if (error instanceof Error && error.name === "AbortError") {
    return new CancelledError(undefined, { cause: error });
  }
  const retryAfterMs = retryAfterOf(error, now);
  return new ModelCallError({
    message: error instanceof Error ? error.message : String(error),
    model,
    isRetryable: isRetryableError(error),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    cause: error,
  });
}
