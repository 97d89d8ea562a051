import type { BatonEvent } from "../events.js";
import type { ModelCallGate, ModelCallRequest } from "../model-call-gate.js";
import type { BudgetSpent } from "../policies/budget.js";
import type { BudgetExceededError } from "../policies/budget-exceeded-error.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { RunStore } from "../ports/run-store.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import type { StepDispatcher } from "../ports/step-dispatcher.js";
import type { ResolvedResponseCache } from "../response-cache-options.js";
import type { ResolvedRetryOptions, RetryOptions } from "../retry-policy.js";
import type { ParentLink } from "../run-context.js";
import type { RunnableEvent } from "../runnable.js";
import type { CompiledGraph } from "../workflow/compile-graph.js";
import type { FailureMode, StepResults } from "../workflow/step-options.js";
import type { RunState } from "./fold-run-log.js";

/** Steps running at once from which the log gathers a whole event-loop phase per append. */
export const gatherThreshold = 16;

/** Everything one run needs, resolved by `Workflow.start`. */
export interface ExecutionOptions {
  graph: CompiledGraph;
  input: unknown;
  output: ((results: StepResults) => unknown) | undefined;
  runId: string;
  /** The run and step this run is a child of. */
  parent: ParentLink | undefined;
  store: RunStore;
  clock: Clock;
  ids: IdGenerator;
  random: () => number;
  dispatcher: StepDispatcher;
  concurrency: number;
  failureMode: FailureMode;
  /** Builds the run's gate; called once, with the run's event sink and budget hook. */
  gate: (hooks: {
    onEvent: (event: RunnableEvent, request: ModelCallRequest) => void;
    onBudgetExceeded: (error: BudgetExceededError) => void;
    /** What a resumed run already spent, so its budget carries on. */
    spent?: BudgetSpent;
  }) => ModelCallGate;
  defaultRetry: ResolvedRetryOptions;
  stepDefaults: StepDefaults;
  resumeFrom: RunState | undefined;
  /** Receives every event of this run once stored (a parent run's stream). */
  relay: ((event: BatonEvent) => void) | undefined;
  record: { definition?: unknown; metadata?: Record<string, unknown> };
  /** Sees each event as it is logged (`start({ telemetry })`, or the parent run's). */
  telemetry: RunTelemetry | undefined;
}

/** What the run sets for the runnables its steps run, unless a step sets its own. */
export interface StepDefaults {
  retry?: RetryOptions | number;
  fallbackModels?: readonly string[];
  /** The run's response cache, for agents without one of their own. */
  cache?: ResolvedResponseCache;
}
