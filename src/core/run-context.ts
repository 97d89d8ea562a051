import type { BatonEvent } from "./events.js";
import type { ModelCallGate } from "./model-call-gate.js";
import type { Clock } from "./ports/clock.js";
import type { IdGenerator } from "./ports/id-generator.js";
import type { LoggedEvent, RunStore } from "./ports/run-store.js";
import type { RunTelemetry } from "./ports/run-telemetry.js";
import type { ResolvedResponseCache } from "./response-cache-options.js";
import type { RetryOptions } from "./retry-policy.js";
import type { ToolApprovalRecord } from "./run/fold-run-log.js";
import type { RunnableEvent } from "./runnable.js";

/**
 * Everything a step's work gets from the run it belongs to, passed explicitly: to every
 * runnable's `execute`, to function steps (as part of their `StepContext`), and to tools
 * through the AI SDK's tool execution options (`runContextOf(options)`). Nothing is found
 * through ambient state.
 */
export interface RunContext {
  /** The run the work belongs to. */
  readonly runId: string;
  /** The step of that run the work runs in. */
  readonly stepId: string;
  /** The step's attempt, 1-based (retries count; restarts at 1 each loop iteration). */
  readonly attempt: number;
  /** Where `runId` hangs in a run tree: the parent run and the step that started it. */
  readonly parent: ParentLink | undefined;
  /** The run's store: child runs (sub-workflows, delegations) are logged there too. */
  readonly store: RunStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** A uniform number in [0, 1): retry jitter. */
  readonly random: () => number;
  /** The run's say over model calls: rate limits, circuit breakers, budgets. */
  readonly gate: ModelCallGate;
  /** Aborts when the run is cancelled or fails fast, or this attempt times out or waits. */
  readonly signal: AbortSignal;
  /** Logs an event in the run (stamped with the run id, the step id and the time). */
  emit(event: RunnableEvent): void;
  /** Puts an event a child run already logged on this run's stream, without logging it again. */
  relay(event: BatonEvent): void;
  /**
   * Resolves once every event emitted so far is in the store: work that must not happen
   * unless the log says it may have (a model call, after its `model-call-start`) waits for it.
   */
  stored(): Promise<void>;
  /** What the step sets for what it runs (retry policy, time limit, fallback models). */
  readonly overrides: RunOverrides;
  /** Tool calls of this step that wait for, or got, a human decision. */
  readonly approvals: ToolApprovals;
  /**
   * Where this work sits in its step's attempt: `""` for what the step runs itself; the
   * run's key for what a function step runs (`context.run`, "1", "2", ... by default); the
   * caller's path, the turn and the tool call id for a tool's work (`"1/2:call_x"`). Agents
   * tag their events with it, so a resumed step finds what each piece of work recorded.
   */
  readonly path: string;
  /**
   * The events this step attempt logged before it was interrupted (a crash, a wait, a tool
   * approval), oldest first, every path's: what a resumed agent replays its turns from.
   * Empty for a fresh attempt.
   */
  readonly recorded: readonly LoggedEvent[];
  /**
   * The id of the child run this work starts (a sub-workflow): derived from the run, the
   * step, the attempt and `path`, so the same work finds its child run again when the step
   * resumes (`childRunIdOf`).
   */
  childRunId(): string;
  /** What traces the run (`start({ telemetry })`): child runs share it, model calls ask it for headers. */
  readonly telemetry?: RunTelemetry | undefined;
}

/** A child run's place in its run tree. */
export interface ParentLink {
  runId: string;
  stepId: string;
}

/** Step settings that override a runnable's own for one execution. */
export interface RunOverrides {
  /** The runnable's retry policy (a number is `maxAttempts`). */
  retry?: RetryOptions | number;
  /** A time limit for the whole execution, in ms. */
  timeout?: number;
  /** Models an agent falls back to. */
  fallbackModels?: readonly string[];
  /** The run's response cache, for agents without one of their own. */
  cache?: ResolvedResponseCache;
}

/** The tool-call approvals of one step attempt (tools wrapped with `requiresApproval`). */
export interface ToolApprovals {
  /** Tool calls of the step that asked for approval (decided ones from earlier attempts too). */
  readonly records: readonly ToolApprovalRecord[];
  /** Whether a tool call of this attempt asked for a decision: the attempt stops and the step waits. */
  readonly pending: boolean;
  /**
   * Logs an `approval-request` for the tool call and stops the attempt (its signal aborts):
   * the step stays in flight, other branches go on, and the run ends `waiting` once nothing
   * else runs. The tool then throws, to unwind the agent.
   */
  request(request: { toolCallId: string; tool: string; input: unknown; message?: string }): void;
  /**
   * Marks a decided record as used by a call of this attempt; false when a call of this
   * attempt used it already (one approval covers one call).
   */
  consume(record: ToolApprovalRecord): boolean;
  /**
   * Logs what an approved tool call returned: a later attempt of the step (after another
   * approval, or a crash) gets the output back instead of running the call twice.
   */
  recordOutput(toolCallId: string, output: unknown): void;
}
