import { codeFragments } from "../core/options/option-fragments.js";
import type { ModelLimits } from "../core/policies/model-limiter.js";
import { ModelLimiters as EngineModelLimiters } from "../core/policies/model-limiters.js";
import { checkOptions } from "./check-options.js";

/**
 * The live limit state of a set of models: one limiter per model (made when a model is
 * first called). A run builds its own from `limits`; pass one instance to several runs
 * (or give it to a `Durable`) and they share the counters and buckets, as calls to one
 * provider account share its limits. The limits are checked at once, by the rule a run's
 * `limits` option and a spec's follow.
 * @example
 * const limits = new ModelLimiters({ "openai:gpt-4o": { requestsPerMinute: 500 } });
 * flow.start(a, { limits }); flow.start(b, { limits }); // one budget of 500 a minute
 */
export class ModelLimiters extends EngineModelLimiters {
  constructor(limits: ModelLimits = {}) {
    checkOptions(codeFragments.modelLimits, limits, "new ModelLimiters()");
    super(limits);
  }
}
