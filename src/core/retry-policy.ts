import { CancelledError } from "./errors/cancelled-error.js";
import type { Clock } from "./ports/clock.js";

/** How a failed call is tried again. Only retryable failures are retried (see `isRetryableError`). */
export interface RetryOptions {
  /** Attempts in all, the first included. `1` disables retries. @default 3 */
  maxAttempts?: number;
  /** Delay before the second attempt, in ms. @default 500 */
  initialDelayMs?: number;
  /** Each further delay is the previous one times this. @default 2 */
  backoffFactor?: number;
  /** No delay is longer than this, in ms (a longer Retry-After is still honoured). @default 30000 */
  maxDelayMs?: number;
  /** Random spread of each delay: `0` none, `1` anywhere in [0, delay] ("full jitter"). @default 0.2 */
  jitter?: number;
  /** Overrides which errors are retried. @default isRetryableError */
  retryOn?: (error: unknown) => boolean;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

/**
 * A retry policy with its defaults filled in. The options were checked where they were
 * given (`agent()`, `flow.step()`, `flow.run()`, `context.run()`, a spec) against one rule.
 */
export function resolveRetryOptions(
  options: RetryOptions | number | undefined,
): ResolvedRetryOptions {
  const given = typeof options === "number" ? { maxAttempts: options } : (options ?? {});
  return {
    maxAttempts: given.maxAttempts ?? 3,
    initialDelayMs: given.initialDelayMs ?? 500,
    backoffFactor: given.backoffFactor ?? 2,
    maxDelayMs: given.maxDelayMs ?? 30_000,
    jitter: given.jitter ?? 0.2,
    retryOn: given.retryOn ?? isRetryableError,
  };
}

/**
 * The delay before attempt `attempt + 1`, after `attempt` failed attempts (1-based).
 * A server's Retry-After wins when it asks for longer.
 */
export function retryDelay(
  attempt: number,
  options: ResolvedRetryOptions,
  { random, retryAfterMs }: { random: () => number; retryAfterMs?: number },
): number {
  const base = Math.min(
    options.initialDelayMs * options.backoffFactor ** (attempt - 1),
    options.maxDelayMs,
  );
  const delay = base * (1 - options.jitter * random());
  return retryAfterMs !== undefined && retryAfterMs > delay ? retryAfterMs : delay;
}

interface ErrorLike {
  isRetryable?: unknown;
  statusCode?: unknown;
  status?: unknown;
  code?: unknown;
  name?: unknown;
  cause?: unknown;
}

const networkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Whether a failure is worth retrying: 408, 409, 429 and 5xx responses, timeouts and
 * network errors. Cancellation and other 4xx errors are not.
 */
export function isRetryableError(error: unknown): boolean {
  if (CancelledError.isInstance(error)) return false;
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as ErrorLike;
  if (typeof candidate.isRetryable === "boolean") return candidate.isRetryable;
  const status = candidate.statusCode ?? candidate.status;
  if (typeof status === "number") {
    return status === 408 || status === 409 || status === 429 || status >= 500;
  }
  if (typeof candidate.code === "string" && networkCodes.has(candidate.code)) return true;
  if (candidate.name === "TimeoutError") return true;
  if (candidate.cause !== undefined && candidate.cause !== error) {
    return isRetryableError(candidate.cause);
  }
  return error instanceof TypeError && /fetch failed|network/i.test(error.message);
}

/**
 * Retry-After carried by an error (ms), looking through `cause`s and response headers.
 * `now` reads a Retry-After given as an HTTP date.
 */
export function retryAfterOf(error: unknown, now: number): number | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") return undefined;
    const record = current as {
      retryAfterMs?: unknown;
      responseHeaders?: unknown;
      cause?: unknown;
    };
    if (typeof record.retryAfterMs === "number") return record.retryAfterMs;
    const headers = record.responseHeaders as Record<string, string> | undefined;
    const parsed = headers
      ? parseRetryAfter(headers["retry-after-ms"], headers["retry-after"], now)
      : undefined;
    if (parsed !== undefined) return parsed;
    current = record.cause;
  }
  return undefined;
}

/** Parses `retry-after-ms` or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  retryAfterMs: string | undefined,
  retryAfter: string | undefined,
  now: number,
): number | undefined {
  if (retryAfterMs !== undefined) {
    const value = Number(retryAfterMs);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface RetryHooks {
  clock: Clock;
  signal?: AbortSignal;
  /** A uniform number in [0, 1), for jitter. */
  random: () => number;
  /** Called before each wait, with the failed attempt's number (1-based) and the delay. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Calls `attempt` until it succeeds, a failure is not retryable, or attempts run out;
 * then rethrows the last error.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: ResolvedRetryOptions,
  { clock, signal, random, onRetry }: RetryHooks,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (attemptNumber >= options.maxAttempts || !options.retryOn(error)) throw error;
      const retryAfterMs = retryAfterOf(error, clock.now());
      const delayMs = retryDelay(attemptNumber, options, {
        random,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
      onRetry?.({ attempt: attemptNumber, delayMs, error });
      await clock.sleep(delayMs, signal ? { signal } : {});
    }
  }
}
