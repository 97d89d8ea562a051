import { CircuitBreaker, type CircuitBreakerOptions } from "./circuit-breaker.js";

/**
 * One circuit breaker per model, made when a model is first called. A run builds its own
 * from its `circuitBreaker` options; pass one instance to several runs and they share the
 * breakers (a model that is down for one run is down for all).
 * @example
 * const circuitBreaker = new CircuitBreakers({ minimumCalls: 10 });
 * flow.start(a, { circuitBreaker }); flow.start(b, { circuitBreaker });
 */
export class CircuitBreakers {
  readonly options: Readonly<CircuitBreakerOptions>;
  readonly #breakers = new Map<string, CircuitBreaker>();

  constructor(options: CircuitBreakerOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `circuitBreaker: expected { failureRateThreshold, minimumCalls, windowSize, cooldownMs, halfOpenProbes } or false, received ${String(options)}`,
      );
    }
    new CircuitBreaker(options); // checks the options at once
    this.options = Object.freeze({ ...options });
  }

  /** The breaker of `model`. */
  for(model: string): CircuitBreaker {
    let breaker = this.#breakers.get(model);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options);
      this.#breakers.set(model, breaker);
    }
    return breaker;
  }
}
