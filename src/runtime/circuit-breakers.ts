import { codeFragments } from "../core/options/option-fragments.js";
import type { CircuitBreakerOptions } from "../core/policies/circuit-breaker.js";
import { CircuitBreakers as EngineCircuitBreakers } from "../core/policies/circuit-breakers.js";
import { checkOptions } from "./check-options.js";

/**
 * One circuit breaker per model, made when a model is first called. A run builds its own
 * from its `circuitBreaker` options; pass one instance to several runs and they share the
 * breakers (a model that is down for one run is down for all). Its options are checked
 * at once, by the rule a run's `circuitBreaker` option and a spec's follow.
 * @example
 * const circuitBreaker = new CircuitBreakers({ minimumCalls: 10 });
 * flow.start(a, { circuitBreaker }); flow.start(b, { circuitBreaker });
 */
export class CircuitBreakers extends EngineCircuitBreakers {
  constructor(options: CircuitBreakerOptions = {}) {
    checkOptions(codeFragments.breakerOptions, options, "new CircuitBreakers()");
    super(options);
  }
}
