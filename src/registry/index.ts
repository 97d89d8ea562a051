/**
 * An agent registry: agents by capability, each with a priority, an optional health
 * check, a concurrency cap and a circuit breaker; routes that pick the best agent per call
 * and fall back down the list; statistics per agent.
 * @module baton/registry
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "../require-supported-node.js";

export { AgentRegistry } from "./agent-registry.js";
export { RegistryError, type RegistryErrorCode } from "./registry-error.js";
export type {
  AgentRegistryOptions,
  HealthCheck,
  RegisteredAgent,
  RegisterOptions,
  RegistryStatistics,
} from "./registry-options.js";
export { RegistryRoute } from "./registry-route.js";
