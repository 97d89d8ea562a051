import type { ToolSet } from "ai";
import type { RunTelemetry } from "../engine/index.js";
import type {
  Agent,
  AgentInput,
  AgentOptions,
  BudgetOptions,
  CircuitBreakerOptions,
  Clock,
  IdGenerator,
  MemoryOptions,
  ModelInput,
  ModelLimits,
  RetryOptions,
  Runnable,
  RunStore,
} from "../index.js";
import type { PriceTable, ResolveModelOptions } from "../models/index.js";

/** An agent, whatever its output type. */
// biome-ignore lint/suspicious/noExplicitAny: agents of every output type are welcome
export type AnyAgent = Agent<any>;

/**
 * What the main agent may delegate to: an agent, or anything that runs like one (a
 * runnable of kind `"agent"` that takes an agent's input), such as an agent registry's
 * route (`registry.route("analysis")`, baton-ai/registry), which picks an agent for each
 * task it is given.
 */
export interface Subagent extends Runnable<AgentInput, unknown> {
  readonly kind: "agent";
  /** What the main agent is told it does, unless its entry says. */
  readonly description?: string;
  /** Forgets its conversation (an agent with `memory`); absent for those that keep none. */
  clearMemory?(): void;
}

/** A subagent, optionally with what the main agent is told it does. */
export type SubagentEntry =
  | AnyAgent
  | Subagent
  | { agent: AnyAgent | Subagent; description?: string };

/** Everything `new Orchestrator()` takes. Only `mainAgent` is required. */
export interface OrchestratorOptions {
  /** Names the orchestrator: the workflow name of its `process()` runs. @default "orchestrator" */
  name?: string;
  /**
   * The main agent's options (as for `agent()`). The orchestrator adds two tools to its
   * own: `delegate_to_subagents` and `plan_and_create_subagents`. `prices`, `clock` and
   * `modelOptions` default to the orchestrator's.
   */
  mainAgent: Omit<AgentOptions, "output">;
  /**
   * Subagents the main agent may delegate to, by their names. Give `{ agent, description }`
   * to tell the main agent what one does.
   * @default []
   */
  subagents?: readonly SubagentEntry[];
  /**
   * Tools the designer may give the subagents it creates; each gets only the ones the
   * plan names (least privilege). Keys are the names the designer sees.
   * @default {}
   */
  availableTools?: ToolSet;
  /** The model of subagents the designer creates. @default mainAgent.model */
  subagentModel?: ModelInput;
  /** The model that designs plans (structured output). @default mainAgent.model */
  designerModel?: ModelInput;
  /** The designer agent's name in events and cost reports. @default "designer" */
  designerName?: string;
  /** Memory for subagents the designer creates. @default none */
  subagentMemory?: MemoryOptions;
  /** Model calls in one run of a created subagent's tool loop, at most. @default 10 */
  subagentMaxSteps?: number;
  /**
   * Tasks of one delegation running at once, and tasks from `submit()` running at once.
   * @default 4
   */
  maxParallelTasks?: number;
  /** Designer calls per plan, at most: an invalid plan goes back with its problems. @default 3 */
  maxPlanAttempts?: number;
  /** Retries of each delegated or submitted task's model calls. @default the agent's own */
  retry?: RetryOptions | number;
  /** Each delegated or submitted task fails after this many ms. @default no limit */
  timeout?: number;
  /** Models a task's agent falls back to, in order, once retries are spent. @default [] */
  fallbackModels?: readonly string[];
  /**
   * Where runs are logged: `process()` runs, their planning and delegation runs (as child
   * runs, `parentId` set), and `submit()` runs.
   * @default a new MemoryStore
   */
  store?: RunStore;
  /** Token and cent budget for each `process()` run (its delegations included) and each task. */
  budget?: BudgetOptions;
  /** Per-model concurrency and rate limits, shared by every run of this orchestrator. */
  limits?: ModelLimits;
  /** Per-model circuit breakers (`false` turns them off). @default the engine's */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Prices for the agents the orchestrator creates (main, designer, planned subagents). */
  prices?: PriceTable;
  /** How the orchestrator's model strings are resolved (API key, base URL, env). */
  modelOptions?: ResolveModelOptions;
  /** @default systemClock */
  clock?: Clock;
  /** Run and task ids. @default randomIdGenerator */
  ids?: IdGenerator;
  /** Traces `process()` runs (delegations as child spans) and tasks: `telemetry()` of `baton-ai/telemetry`. */
  telemetry?: RunTelemetry;
}

function received(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "object" ? "an object" : String(value);
}

function fail(option: string, expected: string, value: unknown): never {
  throw new TypeError(
    `Orchestrator: expected options.${option} to be ${expected}, received ${received(value)}`,
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` is an agent, or runs like one (a runnable of kind "agent"). */
export function isSubagent(value: unknown): value is Subagent {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Subagent).kind === "agent" &&
    typeof (value as Subagent).execute === "function" &&
    typeof (value as Subagent).name === "string"
  );
}

/** A subagent entry as `{ agent, description }`, or a TypeError naming `option`. */
export function subagentEntry(
  option: string,
  value: unknown,
): { agent: Subagent; description: string | undefined } {
  if (isSubagent(value)) return { agent: value, description: undefined };
  if (isPlainObject(value) && isSubagent(value.agent)) {
    if (value.description !== undefined && typeof value.description !== "string") {
      fail(`${option}.description`, "a string", value.description);
    }
    return { agent: value.agent, description: value.description };
  }
  return fail(
    option,
    'an agent (from agent()), a runnable of kind "agent" (a registry route) or { agent, description }',
    value,
  );
}
