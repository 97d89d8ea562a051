import type { CircuitBreakerOptions, CircuitBreakers, Clock, Runnable } from "../index.js";
import type { LatencyStats } from "../stats/index.js";

/** An agent's circuit: `closed` (calls go through), `open` (skipped), `half-open` (a trial call). */
type CircuitState = ReturnType<CircuitBreakers["for"]>["state"];

/** Says whether an agent can take work now; a throw or a rejection counts as unhealthy. */
export type HealthCheck = (options: { signal: AbortSignal }) => boolean | Promise<boolean>;

export interface RegisterOptions {
  /** What the agent can do: the names routes and `find` look it up by. */
  capabilities: readonly string[];
  /** Among healthy agents, higher is picked first. @default 0 */
  priority?: number;
  /**
   * Probed before the agent's first pick and again once its verdict is
   * `healthCheckIntervalMs` old; an unhealthy agent is skipped until a later probe passes.
   * @default none (always healthy)
   */
  healthCheck?: HealthCheck;
  /** Calls to the agent at once, at most; a route waits for a free agent. @default Infinity */
  maxConcurrent?: number;
  /** Whether routes may pick it. @default true */
  enabled?: boolean;
  /** What the agent does, for listings. @default the agent's own `description` */
  description?: string;
}

export interface AgentRegistryOptions {
  /** Time source for latency, health-check ages and circuit cool-downs. @default systemClock */
  clock?: Clock;
  /** How long a health verdict is trusted before the agent is probed again, in ms. @default 30_000 */
  healthCheckIntervalMs?: number;
  /**
   * Each agent's circuit breaker: once enough of its recent calls failed, routes skip it
   * until the cool-down has passed, then let one trial call through. `false` turns it off.
   * @default { failureRateThreshold: 0.5, minimumCalls: 5, cooldownMs: 30_000 }
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Durations kept per agent for latency figures (the most recent). @default 1000 */
  latencySamples?: number;
}

/** An agent as the registry holds it (a snapshot). */
export interface RegisteredAgent {
  name: string;
  agent: Runnable;
  capabilities: string[];
  priority: number;
  description: string | undefined;
  enabled: boolean;
  maxConcurrent: number;
  /** Calls running now. */
  inFlight: number;
  /** The last health verdict; `undefined` before the first probe (or without a check). */
  healthy: boolean | undefined;
  circuit: CircuitState;
}

/** Figures over a registry's agents and the calls its routes made. */
export interface RegistryStatistics {
  agents: number;
  enabled: number;
  /** Agents per capability. */
  capabilities: Record<string, number>;
  byAgent: Record<
    string,
    {
      calls: number;
      errors: number;
      inFlight: number;
      enabled: boolean;
      healthy: boolean | undefined;
      circuit: CircuitState;
      /** Over the most recent calls (`latencySamples`); `undefined` before the first. */
      latency: LatencyStats | undefined;
    }
  >;
}

/** Throws a TypeError naming `where`, what was expected and what arrived. */
export function fail(where: string, expected: string, value: unknown): never {
  const received =
    value === null
      ? "null"
      : Array.isArray(value)
        ? "an array"
        : typeof value === "string"
          ? JSON.stringify(value)
          : typeof value === "object"
            ? "an object"
            : String(value);
  throw new TypeError(`${where}: expected ${expected}, received ${received}`);
}
