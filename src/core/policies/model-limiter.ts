import { CancelledError } from "../errors/cancelled-error.js";
import { TokenBucket } from "./token-bucket.js";

/** Limits for one model, shared by every step that calls it. */
export interface ModelLimit {
  /** Calls in flight at once. @default Infinity */
  concurrency?: number;
  /** Calls started per minute (token bucket; bursts up to a minute's worth). @default Infinity */
  requestsPerMinute?: number;
  /** Tokens per minute, counted from estimated input tokens and corrected by reported usage. @default Infinity */
  tokensPerMinute?: number;
  /**
   * How many seconds' worth of requests and tokens may go at once. Most providers allow a
   * whole minute's worth in a burst; some enforce a per-minute limit per second (Anthropic
   * documents that 60 requests a minute may be enforced as one a second): use 1 there.
   * @default 60
   */
  burstSeconds?: number;
}

/**
 * Limits per model name (`provider:model-id`). Pass the same object to several runs and
 * they share one set of counters and buckets.
 * @example { "openai:gpt-4o": { concurrency: 4, requestsPerMinute: 500, tokensPerMinute: 30_000 } }
 */
export type ModelLimits = Record<string, ModelLimit>;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/** The live state behind one model's limits: a semaphore, two buckets and a Retry-After pause. */
export class ModelLimiter {
  readonly #concurrency: number;
  readonly #requests: TokenBucket | undefined;
  readonly #tokens: TokenBucket | undefined;
  #active = 0;
  #queue: Waiter[] = [];
  #pausedUntil = 0;

  constructor(model: string, limit: ModelLimit, now: number) {
    const { concurrency = Number.POSITIVE_INFINITY } = limit;
    if (
      !(
        concurrency === Number.POSITIVE_INFINITY ||
        (Number.isInteger(concurrency) && concurrency >= 1)
      )
    ) {
      throw new TypeError(
        `limits["${model}"].concurrency: expected an integer >= 1, received ${String(concurrency)}`,
      );
    }
    this.#concurrency = concurrency;
    const { burstSeconds = 60 } = limit;
    if (!(typeof burstSeconds === "number" && burstSeconds > 0 && burstSeconds <= 60)) {
      throw new TypeError(
        `limits["${model}"].burstSeconds: expected a number of seconds in (0, 60], received ${String(burstSeconds)}`,
      );
    }
    this.#requests = bucket(model, "requestsPerMinute", limit.requestsPerMinute, now, burstSeconds);
    this.#tokens = bucket(model, "tokensPerMinute", limit.tokensPerMinute, now, burstSeconds);
  }

  /** Calls holding a slot now. */
  get active(): number {
    return this.#active;
  }

  /** Waits for a concurrency slot (first come, first served). */
  acquireSlot(signal: AbortSignal): Promise<void> {
    if (this.#active < this.#concurrency && this.#queue.length === 0) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.#queue = this.#queue.filter((queued) => queued !== waiter);
          reject(new CancelledError(undefined, { cause: signal.reason }));
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  releaseSlot(): void {
    this.#active--;
    while (this.#active < this.#concurrency && this.#queue.length > 0) {
      const waiter = this.#queue.shift()!;
      waiter.signal.removeEventListener("abort", waiter.onAbort);
      this.#active++;
      waiter.resolve();
    }
  }

  /** Milliseconds until a call of `estimatedTokens` may start: the longest of pause and buckets. */
  waitTime(now: number, estimatedTokens: number): number {
    let wait = this.#pausedUntil - now;
    if (this.#requests) wait = Math.max(wait, this.#requests.waitTime(now, 1));
    if (this.#tokens) wait = Math.max(wait, this.#tokens.waitTime(now, estimatedTokens));
    return Math.max(wait, 0);
  }

  /** Spends one request and `estimatedTokens` tokens for a call that starts now. */
  take(now: number, estimatedTokens: number): void {
    this.#requests?.take(now, 1);
    this.#tokens?.take(now, estimatedTokens);
  }

  /** Corrects the token estimate once the real usage is known. */
  correctTokens(now: number, delta: number): void {
    this.#tokens?.adjust(now, delta);
  }

  /** Holds every call to this model until `until` (a provider's Retry-After). */
  pauseUntil(until: number): void {
    if (until > this.#pausedUntil) this.#pausedUntil = until;
  }
}

function bucket(
  model: string,
  key: string,
  perMinute: number | undefined,
  now: number,
  burstSeconds: number,
): TokenBucket | undefined {
  if (perMinute === undefined || perMinute === Number.POSITIVE_INFINITY) return undefined;
  if (!(typeof perMinute === "number" && perMinute > 0)) {
    throw new TypeError(
      `limits["${model}"].${key}: expected a number > 0, received ${String(perMinute)}`,
    );
  }
  return new TokenBucket(perMinute, now, burstSeconds);
}
