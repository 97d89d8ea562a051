/**
 * Models: model strings (`"openai:gpt-4o-mini"`), function models, the offline simulated
 * model, and model prices.
 * @module baton/models
 */
import "../require-supported-node.js";

export { FUNCTION_PROVIDER, functionModel, type ModelFunction } from "./function-model.js";
export {
  type ModelPrice,
  type PriceModelCallOptions,
  type PriceTable,
  priceModelCall,
  usageFromProvider,
} from "./pricing.js";
export {
  KNOWN_PROVIDERS,
  type ModelInput,
  normaliseProvider,
  type ResolvedModel,
  type ResolveModelOptions,
  resolveModel,
} from "./resolve-model.js";
export {
  SIMULATED_PROVIDER,
  type SimulatedModelOptions,
  simulatedModel,
} from "./simulated-model.js";
