import {
  addCost,
  addUsage,
  type CostBreakdown,
  checkOptions,
  emptyCost,
  emptyUsage,
  systemClock,
  type Usage,
} from "../engine/index.js";
import {
  type AgentInput,
  type AgentResult,
  CancelledError,
  type CircuitBreakerOptions,
  CircuitBreakers,
  type Clock,
  type Outcome,
  type RunContext,
  type Runnable,
} from "../index.js";
import { latencyStats } from "../stats/latency-stats.js";
import { RegistryError } from "./registry-error.js";
import {
  type AgentRegistryOptions,
  fail,
  type HealthCheck,
  type RegisteredAgent,
  type RegisterOptions,
  type RegistryStatistics,
} from "./registry-options.js";
import {
  agentRegistryOptionsRule,
  registerOptionsRule,
  routeOptionsRule,
} from "./registry-options-rules.js";
import { RegistryRoute } from "./registry-route.js";

interface Entry {
  name: string;
  agent: Runnable;
  capabilities: Set<string>;
  priority: number;
  description: string | undefined;
  healthCheck: HealthCheck | undefined;
  maxConcurrent: number;
  enabled: boolean;
  order: number;
  inFlight: number;
  calls: number;
  errors: number;
  durations: number[];
  health: { healthy: boolean; checkedAt: number } | undefined;
  probing: Promise<void> | undefined;
  circuit: Breaker | undefined;
}

/** One agent's breaker: the package keeps the class internal, so it is reached through `CircuitBreakers`. */
type Breaker = ReturnType<CircuitBreakers["for"]>;

const defaultCircuit: CircuitBreakerOptions = {
  failureRateThreshold: 0.5,
  minimumCalls: 5,
  cooldownMs: 30_000,
};

/**
 * Agents by capability, with what it takes to pick one: a priority, a health check, a
 * concurrency cap, a circuit breaker, and the load each one is under. `route(capability)`
 * is a runnable that picks the best agent for each call (healthy, then highest priority,
 * then least loaded) and falls back down the list when one fails; use it wherever an
 * agent goes (a workflow step, a pattern's participant, a delegation).
 *
 * @example
 * const registry = new AgentRegistry();
 * registry.register(fastAnalyst, { capabilities: ["analysis"], priority: 2, maxConcurrent: 4 });
 * registry.register(backupAnalyst, { capabilities: ["analysis"], healthCheck: pingBackup });
 * const flow = workflow("report").step("analyse", registry.route("analysis"));
 */
export class AgentRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #healthCheckIntervalMs: number;
  readonly #circuit: CircuitBreakerOptions | false;
  readonly #latencySamples: number;
  #order = 0;
  /** Routes waiting for an agent at its concurrency cap to free up. */
  #waiting: Array<() => void> = [];

  constructor(options: AgentRegistryOptions = {}) {
    checkOptions(agentRegistryOptionsRule, options, "new AgentRegistry()");
    const {
      clock = systemClock,
      healthCheckIntervalMs = 30_000,
      circuitBreaker = defaultCircuit,
      latencySamples = 1000,
    } = options;
    this.#clock = clock;
    this.#healthCheckIntervalMs = healthCheckIntervalMs;
    this.#circuit = circuitBreaker;
    this.#latencySamples = latencySamples;
  }

  /**
   * Adds an agent under its name.
   * @throws TypeError for a bad agent or a name already taken; OptionsError for bad options.
   */
  register(agent: Runnable, options: RegisterOptions): this {
    const where = "registry.register";
    if (
      typeof agent !== "object" ||
      agent === null ||
      typeof agent.execute !== "function" ||
      typeof agent.name !== "string"
    ) {
      fail(`${where}(agent)`, "an agent or another runnable", agent);
    }
    if (this.#entries.has(agent.name)) {
      fail(`${where}(agent)`, "an agent with a name not yet registered", agent.name);
    }
    checkOptions(registerOptionsRule, options, () => `registry.register("${agent.name}", options)`);
    const {
      capabilities,
      priority = 0,
      healthCheck,
      maxConcurrent: cap = Number.POSITIVE_INFINITY,
      enabled = true,
    } = options;
    const description = options.description ?? (agent as { description?: unknown }).description;
    this.#entries.set(agent.name, {
      name: agent.name,
      agent,
      capabilities: new Set(capabilities),
      priority,
      description: typeof description === "string" ? description : undefined,
      healthCheck,
      maxConcurrent: cap,
      enabled,
      order: this.#order++,
      inFlight: 0,
      calls: 0,
      errors: 0,
      durations: [],
      health: undefined,
      probing: undefined,
      // A breaker of its own: an agent registered again under the same name starts afresh.
      circuit:
        this.#circuit === false ? undefined : new CircuitBreakers(this.#circuit).for(agent.name),
    });
    return this;
  }

  /** Removes an agent; resolves `false` when there was none by that name. Calls running go on. */
  unregister(name: string): boolean {
    return this.#entries.delete(name);
  }

  /** Lets routes pick the agent again. @throws RegistryError `agent-not-found` */
  enable(name: string): void {
    this.#entry(name).enabled = true;
    this.#wake();
  }

  /** Keeps routes from picking the agent (calls running go on). @throws RegistryError `agent-not-found` */
  disable(name: string): void {
    this.#entry(name).enabled = false;
  }

  /**
   * The agents with `capability` (every agent without one), in the order a route would
   * consider them: healthy first, then by priority, then by load.
   */
  find(query: { capability?: string } = {}): RegisteredAgent[] {
    const { capability } = query;
    if (capability !== undefined && typeof capability !== "string") {
      fail("registry.find query.capability", "a string", capability);
    }
    return [...this.#entries.values()]
      .filter((entry) => capability === undefined || entry.capabilities.has(capability))
      .sort((a, b) => Number(this.#healthy(b)) - Number(this.#healthy(a)) || compare(a, b))
      .map((entry) => this.#snapshot(entry));
  }

  /** Every capability of the registered agents, sorted. */
  capabilities(): string[] {
    const all = new Set<string>();
    for (const entry of this.#entries.values())
      for (const name of entry.capabilities) all.add(name);
    return [...all].sort();
  }

  /**
   * A runnable that, each time it runs, picks an agent with `capability`: healthy (probing
   * those whose verdict is stale), circuit closed, below its concurrency cap; of those the
   * highest priority, then the fewest calls in flight, then the fewest calls so far. When
   * the agent fails, the next one is tried; when every agent is at its cap, it waits. Its
   * types default to an agent's (`AgentInput` in, `AgentResult` out): name them when the
   * capability is served by workflows.
   * @example workflow("w").step("analyse", registry.route("analysis"))
   */
  route<Input = AgentInput, Output = AgentResult>(
    capability: string,
    options: {
      /** The route's name: its step's, and the one an orchestrator's main agent delegates to. @default capability */
      name?: string;
      /** What a delegating model is told it does. @default names the capability */
      description?: string;
    } = {},
  ): RegistryRoute<Input, Output> {
    if (typeof capability !== "string" || capability === "") {
      fail("registry.route(capability)", "a non-empty string", capability);
    }
    checkOptions(routeOptionsRule, options, () => `registry.route("${capability}", options)`);
    const {
      name = capability,
      description = `Any of the agents that can do "${capability}" (the healthiest, least loaded one takes the task)`,
    } = options;
    return new RegistryRoute<Input, Output>({
      name,
      capability,
      description,
      execute: (input, context) =>
        this.#execute(capability, input, context) as Promise<Outcome<Output>>,
    });
  }

  /** A route per capability, by capability: the routes of a `router({ agents })`. */
  routes(): Record<string, RegistryRoute> {
    return Object.fromEntries(this.capabilities().map((name) => [name, this.route(name)]));
  }

  /** Probes every agent with a health check now; resolves each verdict by name. */
  async checkHealth(options: { signal?: AbortSignal } = {}): Promise<Record<string, boolean>> {
    const signal = options.signal ?? new AbortController().signal;
    const checked = [...this.#entries.values()].filter((entry) => entry.healthCheck);
    await Promise.all(checked.map((entry) => this.#probe(entry, signal, true)));
    return Object.fromEntries(checked.map((entry) => [entry.name, this.#healthy(entry)]));
  }

  statistics(): RegistryStatistics {
    const entries = [...this.#entries.values()];
    const capabilities: Record<string, number> = {};
    for (const name of this.capabilities()) {
      capabilities[name] = entries.filter((entry) => entry.capabilities.has(name)).length;
    }
    return {
      agents: entries.length,
      enabled: entries.filter((entry) => entry.enabled).length,
      capabilities,
      byAgent: Object.fromEntries(
        entries.map((entry) => [
          entry.name,
          (({ enabled, inFlight, healthy, circuit }) => ({
            calls: entry.calls,
            errors: entry.errors,
            inFlight,
            enabled,
            healthy,
            circuit,
            latency: latencyStats(entry.durations),
          }))(this.#snapshot(entry)),
        ]),
      ),
    };
  }

  async #execute(capability: string, input: unknown, context: RunContext): Promise<Outcome> {
    let usage: Usage = emptyUsage();
    let cost: CostBreakdown = emptyCost();
    const tried: Array<{ agent: string; reason: string }> = [];
    const excluded = new Set<Entry>();
    let failed: { agent: string; error: Error } | undefined;
    for (;;) {
      let pick: { entry: Entry; decision: "pass" | "trial" } | undefined;
      try {
        pick = await this.#pick(capability, excluded, context.signal, tried);
      } catch (error) {
        return { status: "cancelled", error: error as Error, usage, cost };
      }
      if (!pick) break;
      const { entry, decision } = pick;
      context.emit({
        type: "registry-select",
        capability,
        agent: entry.name,
        ...(failed ? { after: failed.agent, error: failed.error.message } : {}),
      });
      entry.calls++;
      const startedAt = this.#clock.now();
      let outcome: Outcome;
      try {
        outcome = await entry.agent.execute(input as never, context);
      } catch (thrown) {
        // A runnable that breaks its contract and throws still counts as a failure.
        outcome = {
          status: "failed",
          error: toError(thrown),
          usage: emptyUsage(),
          cost: emptyCost(),
        };
      } finally {
        entry.inFlight--;
        this.#wake();
      }
      usage = addUsage(usage, outcome.usage);
      cost = addCost(cost, outcome.cost);
      const trial = { trial: decision === "trial" };
      if (outcome.status === "succeeded") {
        entry.circuit?.recordSuccess(trial);
        this.#recordDuration(entry, this.#clock.now() - startedAt);
        return { ...outcome, usage, cost };
      }
      if (outcome.status !== "failed") {
        entry.circuit?.recordAbandoned(trial);
        return { ...outcome, usage, cost };
      }
      entry.errors++;
      entry.circuit?.recordFailure(this.#clock.now(), trial);
      this.#recordDuration(entry, this.#clock.now() - startedAt);
      excluded.add(entry);
      tried.push({ agent: entry.name, reason: outcome.error.message });
      failed = { agent: entry.name, error: outcome.error };
      if (context.signal.aborted) return { status: "cancelled", error: outcome.error, usage, cost };
    }
    const error = new RegistryError(
      tried.length === 0
        ? `No agent has the capability "${capability}"`
        : `No agent could answer for "${capability}": ${tried
            .map((entry) => `${entry.agent} (${entry.reason})`)
            .join(", ")}`,
      { code: "no-agent-available", capability, tried, cause: failed?.error },
    );
    return { status: "failed", error, usage, cost };
  }

  /**
   * The agent to call next, its call already counted in flight (and admitted by its
   * circuit), or `undefined` when none is left. Waits while every usable agent is at its
   * cap. Skipped agents (unhealthy, circuit open) are noted in `tried`.
   */
  async #pick(
    capability: string,
    excluded: Set<Entry>,
    signal: AbortSignal,
    tried: Array<{ agent: string; reason: string }>,
  ): Promise<{ entry: Entry; decision: "pass" | "trial" } | undefined> {
    for (;;) {
      if (signal.aborted) throw new CancelledError(undefined, { cause: signal.reason });
      const candidates = [...this.#entries.values()].filter(
        (entry) => entry.enabled && entry.capabilities.has(capability) && !excluded.has(entry),
      );
      await Promise.all(candidates.map((entry) => this.#probe(entry, signal, false)));
      const now = this.#clock.now();
      const usable = candidates.filter((entry) => {
        const reason = !this.#healthy(entry)
          ? "unhealthy"
          : entry.circuit && !entry.circuit.peek(now)
            ? "circuit-open"
            : undefined;
        if (reason && !tried.some((seen) => seen.agent === entry.name)) {
          tried.push({ agent: entry.name, reason });
        }
        return reason === undefined;
      });
      if (usable.length === 0) return undefined;
      const free = usable.sort(compare).find((entry) => entry.inFlight < entry.maxConcurrent);
      if (!free) {
        await this.#nextRelease(signal);
        continue;
      }
      // Taken at once, with no await since the check, so concurrent routes see the load.
      const decision = free.circuit?.admit(now) ?? "pass";
      if (decision === "reject") {
        excluded.add(free);
        tried.push({ agent: free.name, reason: "circuit-open" });
        continue;
      }
      free.inFlight++;
      return { entry: free, decision };
    }
  }

  /** Runs the agent's health check when its verdict is missing or stale (or `force`). */
  #probe(entry: Entry, signal: AbortSignal, force: boolean): Promise<void> {
    if (!entry.healthCheck) return Promise.resolve();
    if (entry.probing) return entry.probing;
    const { health } = entry;
    const fresh =
      health !== undefined && this.#clock.now() - health.checkedAt < this.#healthCheckIntervalMs;
    if (fresh && !force) return Promise.resolve();
    const check = entry.healthCheck;
    entry.probing = (async () => {
      let healthy: boolean;
      try {
        healthy = (await check({ signal })) === true;
      } catch {
        healthy = false;
      }
      entry.health = { healthy, checkedAt: this.#clock.now() };
      entry.probing = undefined;
    })();
    return entry.probing;
  }

  #healthy(entry: Entry): boolean {
    return entry.health?.healthy ?? true;
  }

  #nextRelease(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((waiter) => waiter !== wake);
        reject(new CancelledError(undefined, { cause: signal.reason }));
      };
      const wake = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(wake);
    });
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  #recordDuration(entry: Entry, durationMs: number): void {
    entry.durations.push(durationMs);
    if (entry.durations.length > this.#latencySamples) entry.durations.shift();
  }

  #entry(name: string): Entry {
    const entry = this.#entries.get(name);
    if (!entry) {
      throw new RegistryError(`No agent named "${name}" is registered`, {
        code: "agent-not-found",
      });
    }
    return entry;
  }

  #snapshot(entry: Entry): RegisteredAgent {
    return {
      name: entry.name,
      agent: entry.agent,
      capabilities: [...entry.capabilities],
      priority: entry.priority,
      description: entry.description,
      enabled: entry.enabled,
      maxConcurrent: entry.maxConcurrent,
      inFlight: entry.inFlight,
      healthy: entry.health?.healthy,
      circuit: entry.circuit?.state ?? "closed",
    };
  }
}

/** Higher priority first, then fewer calls in flight, then fewer calls, then registration order. */
function compare(a: Entry, b: Entry): number {
  return (
    b.priority - a.priority || a.inFlight - b.inFlight || a.calls - b.calls || a.order - b.order
  );
}

function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
