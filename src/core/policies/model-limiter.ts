import { CancelledError } from "../errors/cancelled-error.js";
import type { Clock } from "../ports/clock.js";
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
 * Limits per model name (`provider:model-id`). Each run keeps its own counters and buckets
 * for these; to share them across runs, pass one `ModelLimiters` (`modelLimiters(limits)`).
 * @example { "openai:gpt-4o": { concurrency: 4, requestsPerMinute: 500, tokensPerMinute: 30_000 } }
 */
export type ModelLimits = Record<string, ModelLimit>;

/** A call waiting to start: the most urgent starts first. */
export interface AdmissionRequest {
  /** Estimated prompt tokens, taken from the token bucket when the call starts. */
  estimatedTokens: number;
  /** Higher starts first. @default 0 */
  priority?: number | undefined;
  /** Among equal priorities, the longer remaining critical path starts first. @default 0 */
  criticalPath?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Told once, with the expected wait, when the call cannot start at once. */
  onWait?: ((waitMs: number) => void) | undefined;
}

interface Waiter extends AdmissionRequest {
  order: number;
  resolve(reserved: number): void;
  reject(error: unknown): void;
  onAbort?: () => void;
  waited: boolean;
  /** Its signal aborted: it is dropped when it reaches the head of the queue. */
  cancelled: boolean;
}

/**
 * The live state behind one model's limits: concurrency slots, a request and a token bucket,
 * and a Retry-After pause. Calls that cannot start at once wait in one queue, the most
 * urgent first (priority, then the longest remaining critical path, then arrival), and a
 * single timer wakes the queue when the buckets or the pause allow the head to go: no herd
 * of sleepers waking together, and the call that matters most for the makespan goes first.
 */
export class ModelLimiter {
  /** The model whose calls this limits. */
  readonly model: string;
  readonly #concurrency: number;
  readonly #requests: TokenBucket | undefined;
  readonly #tokens: TokenBucket | undefined;
  readonly #clock: Clock;
  readonly #queue: Waiter[] = [];
  #active = 0;
  #pausedUntil = 0;
  #arrivals = 0;
  #timer: { due: number; stop: AbortController } | undefined;
  /**
   * The completion tokens a call of this model is expected to use (a moving average of
   * what calls reported): reserved when a call starts, since a provider counts them as
   * they are generated, before the caller can know them.
   */
  #expectedOutput = 0;

  constructor(model: string, limit: ModelLimit, clock: Clock) {
    this.model = model;
    const { concurrency = Number.POSITIVE_INFINITY, burstSeconds = 60 } = limit;
    const now = clock.now();
    this.#clock = clock;
    this.#concurrency = concurrency;
    this.#requests = bucket(limit.requestsPerMinute, now, burstSeconds);
    this.#tokens = bucket(limit.tokensPerMinute, now, burstSeconds);
  }

  /** Calls holding a slot now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting to start. */
  get waiting(): number {
    return this.#queue.filter((waiter) => !waiter.cancelled).length;
  }

  /**
   * Resolves when the call may start, having taken a slot, one request and its tokens: the
   * estimated prompt plus the completion calls of this model have used on average. Resolves
   * with the tokens taken (settle them with `correctTokens` once the usage is known).
   * Rejects with `CancelledError` when `signal` aborts first.
   */
  admit(request: AdmissionRequest): Promise<number> {
    const { signal } = request;
    if (signal?.aborted) {
      return Promise.reject(new CancelledError(undefined, { cause: signal.reason }));
    }
    const now = this.#clock.now();
    if (
      this.#queue.length === 0 &&
      this.#active < this.#concurrency &&
      this.#wait(now, request) <= 0
    ) {
      return Promise.resolve(this.#start(now, request));
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        ...request,
        order: this.#arrivals++,
        resolve,
        reject,
        waited: false,
        cancelled: false,
      };
      if (signal) {
        waiter.onAbort = () => {
          waiter.cancelled = true;
          reject(new CancelledError(undefined, { cause: signal.reason }));
          this.#pump();
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#enqueue(waiter);
      this.#pump();
    });
  }

  /** Gives back the slot of a call that ended (or was refused after admission). */
  release(): void {
    this.#active--;
    this.#pump();
  }

  /** Gives back the request and the tokens (`admit`'s value) of a call that never went out. */
  refund(reserved: number): void {
    const now = this.#clock.now();
    this.#requests?.adjust(now, -1);
    this.#tokens?.adjust(now, -reserved);
    this.#pump();
  }

  /**
   * Settles a call's tokens once its usage is known: `reserved` was taken at the start,
   * `used` is what the provider reported; `outputTokens` feeds the expected completion size.
   */
  correctTokens(now: number, reserved: number, used: number, outputTokens: number): void {
    this.#tokens?.adjust(now, used - reserved);
    this.#expectedOutput = this.#expectedOutput * 0.8 + outputTokens * 0.2;
    if (used < reserved) this.#pump();
  }

  /** Holds every call to this model until `until` (a provider's Retry-After). */
  pauseUntil(until: number): void {
    if (until > this.#pausedUntil) this.#pausedUntil = until;
  }

  /** The tokens a call takes when it starts: its prompt and the expected completion. */
  #reservation(request: AdmissionRequest): number {
    return request.estimatedTokens + Math.round(this.#expectedOutput);
  }

  /** Milliseconds until `request` may start as far as the pause and the buckets go. */
  #wait(now: number, request: AdmissionRequest): number {
    let wait = this.#pausedUntil - now;
    if (this.#requests) wait = Math.max(wait, this.#requests.waitTime(now, 1));
    if (this.#tokens) {
      wait = Math.max(wait, this.#tokens.waitTime(now, this.#reservation(request)));
    }
    return wait;
  }

  /** Starts a call: takes a slot, a request and its tokens; returns the tokens taken. */
  #start(now: number, request: AdmissionRequest): number {
    const reserved = this.#tokens ? this.#reservation(request) : request.estimatedTokens;
    this.#active++;
    this.#requests?.take(now, 1);
    this.#tokens?.take(now, reserved);
    return reserved;
  }

  /** Starts waiting calls, most urgent first, while there is room; else sets the one timer. */
  #pump(): void {
    while (this.#queue.length > 0 && this.#active < this.#concurrency) {
      const head = this.#queue[0]!;
      if (head.cancelled) {
        this.#dequeue();
        continue;
      }
      const now = this.#clock.now();
      const wait = this.#wait(now, head);
      if (wait > 0) {
        if (!head.waited) {
          head.waited = true;
          head.onWait?.(Math.ceil(wait));
        }
        this.#wake(now + wait);
        return;
      }
      this.#dequeue();
      if (head.onAbort) head.signal?.removeEventListener("abort", head.onAbort);
      head.resolve(this.#start(now, head));
    }
  }

  /** Makes sure the queue is looked at again at `due` (once: the earliest wins). */
  #wake(due: number): void {
    if (this.#timer && this.#timer.due <= due) return;
    this.#timer?.stop.abort();
    const stop = new AbortController();
    this.#timer = { due, stop };
    this.#clock.sleep(Math.max(0, due - this.#clock.now()), { signal: stop.signal }).then(
      () => {
        if (this.#timer?.stop === stop) this.#timer = undefined;
        this.#pump();
      },
      () => {},
    );
  }

  // A binary heap on `#queue`: the most urgent waiter at index 0.
  #enqueue(waiter: Waiter): void {
    const queue = this.#queue;
    let index = queue.push(waiter) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(waiter, queue[parent]!)) break;
      queue[index] = queue[parent]!;
      index = parent;
    }
    queue[index] = waiter;
  }

  #dequeue(): void {
    const queue = this.#queue;
    const last = queue.pop()!;
    if (queue.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= queue.length) break;
      const right = left + 1;
      const child = right < queue.length && before(queue[right]!, queue[left]!) ? right : left;
      if (!before(queue[child]!, last)) break;
      queue[index] = queue[child]!;
      index = child;
    }
    queue[index] = last;
  }
}

/** Whether waiter `a` starts before waiter `b`. */
function before(a: Waiter, b: Waiter): boolean {
  const priorityA = a.priority ?? 0;
  const priorityB = b.priority ?? 0;
  if (priorityA !== priorityB) return priorityA > priorityB;
  const pathA = a.criticalPath ?? 0;
  const pathB = b.criticalPath ?? 0;
  if (pathA !== pathB) return pathA > pathB;
  return a.order < b.order;
}

function bucket(
  perMinute: number | undefined,
  now: number,
  burstSeconds: number,
): TokenBucket | undefined {
  if (perMinute === undefined || perMinute === Number.POSITIVE_INFINITY) return undefined;
  return new TokenBucket(perMinute, now, burstSeconds);
}
