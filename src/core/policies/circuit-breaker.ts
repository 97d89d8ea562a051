/**
 * When a model's circuit opens and how long it stays open. The defaults open it on a
 * sustained failure rate (60% of the last 100 calls, once 20 have been made), not on a
 * short run of bad luck: see docs/workflows.md#circuit-breakers.
 */
export interface CircuitBreakerOptions {
  /**
   * The fraction of failed calls, among the calls in the window, that opens the circuit
   * (a number above 0, at most 1). Failed means retryable failures: 5xx, timeouts,
   * network errors, 429s without Retry-After. Above the failure rates that retries ride
   * out (a model failing 30% of calls still answers 97% of them within three attempts).
   * @default 0.6
   */
  failureRateThreshold?: number;
  /**
   * Calls the window must hold before the failure rate can open the circuit: fewer say
   * too little to tell a dead model from a few unlucky calls.
   * @default 20
   */
  minimumCalls?: number;
  /**
   * How many of the most recent calls the failure rate is measured over.
   * @default 100, or `minimumCalls` when that is larger
   */
  windowSize?: number;
  /** How long it stays open before trial calls are let through (half-open), in ms. @default 30000 */
  cooldownMs?: number;
  /**
   * Half-open, trial calls go one at a time: the first that succeeds closes the circuit;
   * this many failing in a row open it again for another cool-down.
   * @default 3
   */
  halfOpenProbes?: number;
  /**
   * Opens after this many consecutive failed calls. Deprecated: a short run of failures
   * is common under noise. The same as `{ windowSize: n, minimumCalls: n,
   * failureRateThreshold: 1, halfOpenProbes: 1 }` (the last n calls all failed; one failed
   * trial reopens), so it cannot be combined with those window options.
   * @deprecated Use `failureRateThreshold` and `minimumCalls`.
   */
  failureThreshold?: number;
}

export type CircuitState = "closed" | "open" | "half-open";

/** What a call may do: go ahead, go as the half-open trial, or not go. */
export type CircuitDecision = "pass" | "trial" | "reject";

/** Whether an outcome is that of the half-open trial call (the gate knows which call it admitted as one). */
export interface CircuitOutcomeOptions {
  /** @default whether the circuit is half-open */
  trial?: boolean;
}

/**
 * One model's circuit breaker. Closed: calls pass, and each one's outcome goes into a
 * window of the last `windowSize` calls; once it holds `minimumCalls` calls of which at
 * least `failureRateThreshold` failed, it opens. Open: calls are rejected until
 * `cooldownMs` has passed, then it half-opens and lets trial calls through one at a time
 * (others wait for the trial's verdict: `trialEnd`). A trial's success closes it (with an
 * empty window); `halfOpenProbes` failed trials in a row open it again for another
 * cool-down. Outcomes of calls let through before it opened are ignored while it is open
 * or half-open.
 */
export class CircuitBreaker {
  readonly failureRateThreshold: number;
  readonly minimumCalls: number;
  readonly windowSize: number;
  readonly cooldownMs: number;
  readonly halfOpenProbes: number;
  #state: CircuitState = "closed";
  /** The window, a ring: 1 for a failed call, 0 for a successful one. */
  readonly #outcomes: Uint8Array;
  #next = 0;
  #calls = 0;
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;
  #failedTrials = 0;
  /** Told when the trial in flight ends (callers waiting to learn whether the model is back). */
  #trialEnded: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    const settings = circuitBreakerSettings(options);
    this.failureRateThreshold = settings.failureRateThreshold;
    this.minimumCalls = settings.minimumCalls;
    this.windowSize = settings.windowSize;
    this.cooldownMs = settings.cooldownMs;
    this.halfOpenProbes = settings.halfOpenProbes;
    this.#outcomes = new Uint8Array(this.windowSize);
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Failed calls in the window (when it opened: the failures that opened it). */
  get failures(): number {
    return this.#failures;
  }

  /** Calls in the window. */
  get calls(): number {
    return this.#calls;
  }

  /** When an open circuit lets its next trial through. */
  get retryAt(): number {
    return this.#openedAt + this.cooldownMs;
  }

  /** Whether a call would be let through at `now`, without changing anything. */
  peek(now: number): boolean {
    if (this.#state === "closed") return true;
    if (this.#state === "open") return now >= this.retryAt;
    return !this.#trialInFlight;
  }

  /** Resolves when the trial call in flight ends, however it ends; at once when none is. */
  trialEnd(): Promise<void> {
    if (!this.#trialInFlight) return Promise.resolve();
    if (!this.#trialEnded) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => {
        resolve = settle;
      });
      this.#trialEnded = { promise, resolve };
    }
    return this.#trialEnded.promise;
  }

  /**
   * Decides a call at `now`. An open circuit whose cool-down has passed half-opens here
   * (`onHalfOpen` is told) and the call becomes its trial.
   */
  admit(now: number, onHalfOpen?: () => void): CircuitDecision {
    if (this.#state === "closed") return "pass";
    if (this.#state === "open") {
      if (now < this.retryAt) return "reject";
      this.#state = "half-open";
      this.#trialInFlight = false;
      this.#failedTrials = 0;
      onHalfOpen?.();
    }
    if (this.#trialInFlight) return "reject";
    this.#trialInFlight = true;
    return "trial";
  }

  /** A call succeeded. Returns `true` when this closed a half-open circuit. */
  recordSuccess(options: CircuitOutcomeOptions = {}): boolean {
    if (this.#state === "closed") {
      this.#record(0);
      return false;
    }
    if (!this.#isTrial(options)) return false;
    this.#state = "closed";
    this.#next = this.#calls = this.#failures = 0;
    this.#endTrial();
    return true;
  }

  /** A call failed. Returns `true` when this opened the circuit (again). */
  recordFailure(now: number, options: CircuitOutcomeOptions = {}): boolean {
    if (this.#state === "closed") {
      this.#record(1);
      const calls = this.#calls;
      if (calls < this.minimumCalls || this.#failures < this.failureRateThreshold * calls) {
        return false;
      }
    } else {
      if (!this.#isTrial(options)) return false;
      this.#record(1);
      if (++this.#failedTrials < this.halfOpenProbes) {
        this.#endTrial();
        return false;
      }
    }
    this.#state = "open";
    this.#openedAt = now;
    this.#endTrial();
    return true;
  }

  /**
   * A call ended without a verdict on the model (cancelled, refused as invalid, rate
   * limited with a Retry-After): nothing is counted; a trial's slot is freed.
   */
  recordAbandoned(options: CircuitOutcomeOptions = {}): void {
    if (this.#isTrial(options)) this.#endTrial();
  }

  #endTrial(): void {
    this.#trialInFlight = false;
    const ended = this.#trialEnded;
    this.#trialEnded = undefined;
    ended?.resolve();
  }

  #isTrial(options: CircuitOutcomeOptions): boolean {
    return this.#state === "half-open" && (options.trial ?? true);
  }

  #record(failed: 0 | 1): void {
    if (this.#calls === this.windowSize) this.#failures -= this.#outcomes[this.#next]!;
    else this.#calls++;
    this.#outcomes[this.#next] = failed;
    this.#failures += failed;
    this.#next = (this.#next + 1) % this.windowSize;
  }
}

/**
 * The options with their defaults filled in. The options were checked where they were
 * given (`flow.start()`, `new CircuitBreakers()`, the spec) against one rule.
 */
function circuitBreakerSettings(
  options: CircuitBreakerOptions,
): Required<Omit<CircuitBreakerOptions, "failureThreshold">> {
  const { failureThreshold, cooldownMs = 30_000 } = options;
  const consecutive = failureThreshold !== undefined;
  const {
    failureRateThreshold = consecutive ? 1 : 0.6,
    minimumCalls = failureThreshold ?? 20,
    halfOpenProbes = consecutive ? 1 : 3,
  } = options;
  const { windowSize = Math.max(consecutive ? minimumCalls : 100, minimumCalls) } = options;
  return { failureRateThreshold, minimumCalls, windowSize, cooldownMs, halfOpenProbes };
}
