import type { Clock } from "../ports/clock.js";
import { ModelLimiter, type ModelLimits } from "./model-limiter.js";

/**
 * The live limit state of a set of models: one `ModelLimiter` per model (made when a model
 * is first called; a model without declared limits gets an unlimited one). A run builds
 * its own from `limits`; pass one instance to several runs (or give it to a `Durable`) and
 * they share the counters and buckets, as calls to one provider account share its limits.
 * @example
 * const limits = new ModelLimiters({ "openai:gpt-4o": { requestsPerMinute: 500 } });
 * flow.start(a, { limits }); flow.start(b, { limits }); // one budget of 500 a minute
 */
export class ModelLimiters {
  readonly limits: Readonly<ModelLimits>;
  readonly #limiters = new Map<string, ModelLimiter>();

  /** `limits` as checked where they were given (`new ModelLimiters()` from `baton-ai` checks its own). */
  constructor(limits: ModelLimits = {}) {
    this.limits = Object.freeze({ ...limits });
  }

  /** The limiter of `model`, made on first use with `clock`. */
  for(model: string, clock: Clock): ModelLimiter {
    let limiter = this.#limiters.get(model);
    if (!limiter) {
      const limit = Object.hasOwn(this.limits, model) ? this.limits[model]! : {};
      limiter = new ModelLimiter(model, limit, clock);
      this.#limiters.set(model, limiter);
    }
    return limiter;
  }
}
