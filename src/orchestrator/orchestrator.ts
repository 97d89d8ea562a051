import type { DurableStartOptions } from "../durable/index.js";
import { checkOptions, randomIdGenerator, systemClock } from "../engine/index.js";
import {
  type Agent,
  type AgentInput,
  agent,
  type BatonEvent,
  CircuitBreakers,
  type Clock,
  type IdGenerator,
  ModelLimiters,
  type RunStore,
  type StartOptions,
  type Workflow,
  workflow,
} from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import {
  EventHub,
  type OrchestratorEventHandler,
  type OrchestratorEventType,
} from "./event-hub.js";
import { designerInstructions, MAIN_INSTRUCTIONS } from "./instructions.js";
import { mainStep } from "./main-step.js";
import { DELEGATE_TOOL, orchestrationTools, PLAN_TOOL } from "./orchestration-tools.js";
import {
  type AnyAgent,
  type OrchestratorOptions,
  type Subagent,
  subagentEntry,
} from "./orchestrator-options.js";
import { orchestratorOptionsRule, submitOptionsRule } from "./orchestrator-options-rule.js";
import { type Plan, planSchema } from "./plan.js";
import { type ProcessResult, processResultOf } from "./process-result.js";
import type { OrchestratorRuntime } from "./run-delegation.js";
import type { Task, TaskInfo, TaskStatus } from "./task.js";
import { type SubmitOptions, TaskRunner } from "./task-runner.js";

/** Options of one `process()` call. */
export interface ProcessOptions {
  /** Cancels the run. */
  signal?: AbortSignal;
  /** Stored with the run record. */
  metadata?: Record<string, unknown>;
  /**
   * Stored with the run record as its `definition`: what a resumer rebuilds the
   * orchestrator from (`baton run` stores `{ kind: "orchestrator-spec", spec, ... }`).
   */
  definition?: unknown;
}

/** A running `process()` call: its events as they happen, and its result. */
export interface OrchestratorRun {
  readonly id: string;
  /** Every event of the run and of its planning and delegation runs, from the first. */
  readonly events: AsyncIterable<BatonEvent>;
  /** Rejects with `OrchestratorError` when the run does not succeed. */
  readonly result: Promise<ProcessResult>;
  cancel(reason?: string): void;
}

/**
 * A main agent that delegates to subagents, or plans and creates new ones, with every
 * delegation run as a workflow on Baton's engine (concurrency, retries, fallbacks, budgets,
 * events, the run store).
 *
 * @example
 * const orchestrator = new Orchestrator({
 *   mainAgent: { name: "lead", model: "openai:gpt-4o", instructions: "Answer research questions." },
 *   availableTools: { http_fetch: httpFetch({ allowHosts: ["en.wikipedia.org"] }), calculator: calculator() },
 *   subagentModel: "openai:gpt-4o-mini",
 *   maxParallelTasks: 4,
 * });
 * const { content, costBreakdown, runId } = await orchestrator.process("Compare tidal and wave power.");
 */
export class Orchestrator {
  readonly name: string;
  /** Where this orchestrator's runs are logged. */
  readonly store: RunStore;
  readonly #options: OrchestratorOptions;
  readonly #main: Agent<unknown>;
  readonly #process: Workflow<AgentInput>;
  readonly #subagents = new Map<string, Subagent>();
  readonly #descriptions = new Map<string, string>();
  readonly #runtime: OrchestratorRuntime;
  readonly #hub = new EventHub();
  readonly #tasks: TaskRunner;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  /** Limit and breaker state shared by every run of this orchestrator. */
  readonly #limits: ModelLimiters | undefined;
  readonly #breakers: CircuitBreakers | false | undefined;
  /**
   * Settles once the tasks this orchestrator's store holds for it (queued, or running
   * under an owner that is gone) have joined its queue: they then run, highest priority
   * first, with the tasks submitted since.
   */
  readonly ready: Promise<void>;

  constructor(options: OrchestratorOptions) {
    checkOptions(orchestratorOptionsRule, options, "new Orchestrator()");
    this.#options = options;
    this.name = options.name ?? "orchestrator";
    this.store = options.store ?? new MemoryStore();
    this.#clock = options.clock ?? systemClock;
    this.#ids = options.ids ?? randomIdGenerator;
    const { mainAgent, prices, modelOptions, clock } = options;
    const shared = {
      ...(prices ? { prices } : {}),
      ...(modelOptions ? { modelOptions } : {}),
      ...(clock ? { clock } : {}),
    };
    const availableTools = options.availableTools ?? {};
    for (const [index, entry] of (options.subagents ?? []).entries()) {
      const { agent: subagent, description } = subagentEntry(`subagents[${index}]`, entry);
      this.#add(subagent, description, `subagents[${index}]`);
    }
    const designer = agent<Plan>({
      name: options.designerName ?? "designer",
      model: options.designerModel ?? mainAgent.model,
      instructions: designerInstructions(availableTools),
      output: planSchema(Object.keys(availableTools)),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...shared,
    });
    this.#runtime = {
      name: this.name,
      mainAgentName: mainAgent.name,
      designer,
      availableTools,
      subagents: this.#subagents,
      descriptions: this.#descriptions,
      maxParallelTasks: options.maxParallelTasks ?? 4,
      maxPlanAttempts: options.maxPlanAttempts ?? 3,
      taskOptions: {
        ...(options.retry !== undefined ? { retry: options.retry } : {}),
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(options.fallbackModels !== undefined ? { fallbackModels: options.fallbackModels } : {}),
      },
      scopes: new Map(),
      createSubagent: (planned) =>
        agent({
          name: planned.name,
          model: options.subagentModel ?? mainAgent.model,
          instructions: planned.instructions,
          tools: Object.fromEntries(planned.tools.map((name) => [name, availableTools[name]!])),
          ...(options.subagentMemory ? { memory: options.subagentMemory } : {}),
          ...(options.subagentMaxSteps ? { maxSteps: options.subagentMaxSteps } : {}),
          ...shared,
        }),
    };
    const ownTools = mainAgent.tools ?? {};
    for (const name of [DELEGATE_TOOL, PLAN_TOOL]) {
      if (Object.hasOwn(ownTools, name)) {
        throw new TypeError(
          `Orchestrator: options.mainAgent.tools.${name} clashes with the orchestrator's own tool of that name`,
        );
      }
    }
    this.#main = agent({
      ...shared,
      ...mainAgent,
      instructions: mainAgent.instructions
        ? `${MAIN_INSTRUCTIONS}\n\n${mainAgent.instructions}`
        : MAIN_INSTRUCTIONS,
      tools: { ...ownTools, ...orchestrationTools(this.#runtime) },
    });
    if (this.#subagents.has(this.#main.name) || designer.name === this.#main.name) {
      throw new TypeError(
        `Orchestrator: the main agent's name "${this.#main.name}" is also a subagent's or the designer's`,
      );
    }
    // One attempt: the main agent retries its own model calls, and running it again would
    // redo its delegations.
    this.#process = workflow<AgentInput>(this.name).step(
      "main",
      mainStep(this.#main, this.#runtime.scopes),
      {
        retry: 1,
      },
    );
    this.#limits = options.limits ? new ModelLimiters(options.limits) : undefined;
    this.#breakers =
      options.circuitBreaker === undefined
        ? undefined
        : options.circuitBreaker === false
          ? false
          : new CircuitBreakers(options.circuitBreaker);
    this.#tasks = new TaskRunner({
      name: this.name,
      store: this.store,
      clock: this.#clock,
      ids: this.#ids,
      maxParallel: this.#runtime.maxParallelTasks,
      staleAfterMs: 30_000,
      start: this.#startOptions(),
      step: this.#runtime.taskOptions,
      agentNamed: (name) => this.#subagents.get(name),
      dispatch: (event) => this.#hub.dispatch(event),
    });
    this.ready = this.#tasks.recover();
  }

  /**
   * The workflow each `process()` run runs (named like the orchestrator, one step `main`
   * running the main agent). Register it to resume a run after a crash:
   * `resume(runId, { workflows: { [orchestrator.name]: orchestrator.processWorkflow } })`.
   * The main step runs again from the start: its planning and delegation calls are made again.
   */
  get processWorkflow(): Workflow<AgentInput> {
    return this.#process;
  }

  /** Names of the tools the designer may give the subagents it creates. */
  get availableTools(): string[] {
    return Object.keys(this.#runtime.availableTools);
  }

  /** Names of the registered subagents. */
  get subagents(): string[] {
    return [...this.#subagents.keys()];
  }

  /**
   * Adds a subagent the main agent may delegate to (from its next model call on).
   * @param options.description what the main agent is told it does
   */
  registerSubagent(subagent: AnyAgent | Subagent, options: { description?: string } = {}): this {
    const entry = subagentEntry("subagent", { agent: subagent, ...options });
    this.#add(entry.agent, entry.description, "subagent");
    return this;
  }

  /** Starts the main agent on `messages`, streaming the run's events. */
  start(messages: AgentInput, options: ProcessOptions = {}): OrchestratorRun {
    const valid =
      typeof messages === "string" ||
      (Array.isArray(messages) &&
        messages.every(
          (message) => typeof message === "object" && message !== null && "role" in message,
        ));
    if (!valid) {
      throw new TypeError(
        `${this.name}.process(): expected messages to be a string or an array of ModelMessage, received ${messages === null ? "null" : typeof messages}`,
      );
    }
    const run = this.#process.start(messages, {
      ...this.#runOptions(),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.definition !== undefined ? { definition: options.definition } : {}),
      metadata: {
        orchestrator: this.name,
        roles: { main: this.#main.name, designer: this.#runtime.designer.name },
        ...options.metadata,
      },
    });
    const events: BatonEvent[] = [];
    const collected = (async () => {
      for await (const event of run.events) {
        events.push(event);
        this.#hub.dispatch(event);
      }
    })();
    const result = (async () => {
      const outcome = await run.result;
      await collected;
      return processResultOf(this.name, outcome, events, {
        main: this.#main.name,
        designer: this.#runtime.designer.name,
      });
    })();
    // A caller that only reads the events must not get an unhandled rejection.
    result.catch(() => {});
    return { id: run.id, events: run.events, result, cancel: (reason) => run.cancel(reason) };
  }

  /**
   * Runs the main agent on `messages` to its end: it answers, delegating to subagents or
   * planning new ones as it sees fit.
   * @throws OrchestratorError when the run fails, is cancelled, or waits.
   */
  process(messages: AgentInput, options: ProcessOptions = {}): Promise<ProcessResult> {
    return this.start(messages, options).result;
  }

  /**
   * Queues `input` for an agent (a registered subagent's name, or an agent). The task is
   * recorded in the store at once, as a pending run with its priority, so it survives a
   * crash: an orchestrator of the same name on the same store runs it after a restart (see
   * `ready`). At most `maxParallelTasks` tasks run at once; when more wait, the highest
   * `priority` starts first, then the first submitted.
   */
  submit<Output = unknown>(
    target: string | Agent<Output> | Subagent,
    input: AgentInput,
    options: SubmitOptions<Output> = {},
  ): Task<Output> {
    const runner = this.#resolveAgent(target);
    checkOptions(submitOptionsRule, options, `${this.name}.submit()`);
    const { priority = 0, metadata = {}, callback, signal } = options;
    const task = this.#tasks.submit<Output>(runner, input, { priority, metadata });
    if (callback) task.done.then(callback);
    if (signal) {
      if (signal.aborted) void this.cancelTask(task.id);
      else signal.addEventListener("abort", () => void this.cancelTask(task.id), { once: true });
    }
    return task;
  }

  /** A task's status as the store records it, or `undefined` for an unknown id. */
  async status(taskId: string): Promise<TaskStatus | undefined> {
    return (await this.#tasks.get(taskId))?.status;
  }

  /**
   * A task of this orchestrator: the live task when this process holds it, else what the
   * store records of it (a task submitted before a restart, or by another process).
   */
  getTask<Output = unknown>(taskId: string): Promise<TaskInfo<Output> | undefined> {
    return this.#tasks.get(taskId) as Promise<TaskInfo<Output> | undefined>;
  }

  /** Cancels a waiting or running task; `false` when it has already ended. */
  cancelTask(taskId: string, reason?: string): Promise<boolean> {
    return this.#tasks.cancel(taskId, reason);
  }

  /**
   * Calls `handler` for each event of that type: engine events of every run this
   * orchestrator starts (`step-end`, `workflow-end`, `custom:<name>` from steps, ...),
   * `task-start` / `task-end` / `task-error`, and `emit()`ted events; `"*"` for all.
   * Returns a function that removes the handler.
   */
  on(type: OrchestratorEventType, handler: OrchestratorEventHandler): () => void {
    return this.#hub.on(type, handler);
  }

  /** Sends a custom event (`custom:<name>`) to the `on()` handlers. */
  emit(type: `custom:${string}`, data?: unknown): void {
    if (typeof type !== "string" || !/^custom:.+/.test(type)) {
      throw new TypeError(`emit: expected a type "custom:<name>", received ${String(type)}`);
    }
    this.#hub.dispatch({ type, at: this.#clock.now(), ...(data !== undefined ? { data } : {}) });
  }

  /** Forgets one agent's conversation: the main agent's or a registered subagent's. */
  clearMemory(agentName: string): void {
    if (agentName === this.#main.name) this.#main.clearMemory();
    else {
      const subagent = this.#subagents.get(agentName);
      if (!subagent) {
        throw new TypeError(
          `clearMemory: expected the name of the main agent or a subagent (${[this.#main.name, ...this.#subagents.keys()].join(", ")}), received ${JSON.stringify(agentName)}`,
        );
      }
      subagent.clearMemory?.();
    }
  }

  /** Forgets every agent's conversation. */
  clearAllMemory(): void {
    this.#main.clearMemory();
    for (const subagent of this.#subagents.values()) subagent.clearMemory?.();
  }

  #add(subagent: Subagent, description: string | undefined, option: string): void {
    if (this.#subagents.has(subagent.name)) {
      throw new TypeError(
        `Orchestrator: ${option}: a subagent named "${subagent.name}" is already registered`,
      );
    }
    if (this.#main !== undefined && subagent.name === this.#main.name) {
      throw new TypeError(`Orchestrator: ${option}: "${subagent.name}" is the main agent's name`);
    }
    this.#subagents.set(subagent.name, subagent);
    const described = description ?? subagent.description;
    if (described !== undefined) this.#descriptions.set(subagent.name, described);
  }

  #resolveAgent(target: string | Subagent): Subagent {
    if (typeof target === "string") {
      const found = this.#subagents.get(target);
      if (!found) {
        throw new TypeError(
          `submit: expected a registered subagent's name (${this.subagents.join(", ") || "none registered"}) or an agent, received ${JSON.stringify(target)}`,
        );
      }
      return found;
    }
    return subagentEntry("submit agent", target).agent;
  }

  /** What every run of this orchestrator starts with: budget, shared limits and breakers. */
  #startOptions(): DurableStartOptions {
    const { budget, telemetry } = this.#options;
    return {
      ...(budget ? { budget } : {}),
      ...(telemetry ? { telemetry } : {}),
      ...(this.#limits ? { limits: this.#limits } : {}),
      ...(this.#breakers !== undefined ? { circuitBreaker: this.#breakers } : {}),
    };
  }

  #runOptions(): StartOptions {
    const { clock, ids } = this.#options;
    return {
      store: this.store,
      ...(clock ? { clock } : {}),
      ...(ids ? { ids } : {}),
      ...this.#startOptions(),
    };
  }
}
