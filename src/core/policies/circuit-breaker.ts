/** When a model's circuit opens and how long it stays open. */
export interface CircuitBreakerOptions {
  /** Consecutive failed calls (retryable failures: 429, 5xx, timeouts, network) that open it. @default 5 */
  failureThreshold?: number;
  /** How long it stays open before one trial call is let through (half-open), in ms. @default 30000 */
  cooldownMs?: number;
}

export type CircuitState = "closed" | "open" | "half-open";

/** What a call may do: go ahead, go as the one half-open trial, or not go. */
export type CircuitDecision = "pass" | "trial" | "reject";

/**
 * One model's circuit breaker. Closed: calls pass and consecutive failures are counted;
 * at `failureThreshold` it opens. Open: calls are rejected until `cooldownMs` has passed,
 * then it half-opens and lets exactly one trial call through. The trial's success closes
 * it; its failure opens it again for another cool-down.
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  #state: CircuitState = "closed";
  #failures = 0;
  #openedAt = 0;
  #trialInFlight = false;

  constructor({ failureThreshold = 5, cooldownMs = 30_000 }: CircuitBreakerOptions = {}) {
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
      throw new TypeError(
        `circuitBreaker.failureThreshold: expected an integer >= 1, received ${String(failureThreshold)}`,
      );
    }
    if (!(cooldownMs >= 0)) {
      throw new TypeError(
        `circuitBreaker.cooldownMs: expected a number >= 0, received ${String(cooldownMs)}`,
      );
    }
    this.failureThreshold = failureThreshold;
    this.cooldownMs = cooldownMs;
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Consecutive failures counted so far. */
  get failures(): number {
    return this.#failures;
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
      onHalfOpen?.();
    }
    if (this.#trialInFlight) return "reject";
    this.#trialInFlight = true;
    return "trial";
  }

  /** A call succeeded. Returns `true` when this closed a half-open circuit. */
  recordSuccess(): boolean {
    this.#failures = 0;
    this.#trialInFlight = false;
    if (this.#state === "closed") return false;
    this.#state = "closed";
    return true;
  }

  /** A call failed. Returns `true` when this opened the circuit. */
  recordFailure(now: number): boolean {
    this.#failures++;
    this.#trialInFlight = false;
    if (
      this.#state === "half-open" ||
      (this.#state === "closed" && this.#failures >= this.failureThreshold)
    ) {
      this.#state = "open";
      this.#openedAt = now;
      return true;
    }
    return false;
  }

  /** A call ended without a verdict on the model (cancelled): frees the trial slot. */
  recordAbandoned(): void {
    this.#trialInFlight = false;
  }
}
