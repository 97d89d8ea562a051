import type { BatonError } from "./errors/baton-error.js";
import type { CostBreakdown, Usage } from "./usage.js";

/**
 * The engine's say over each model call an agent makes. Core knows models only by
 * name (`provider:model-id`), so rate limits, per-model concurrency, circuit breakers
 * and budgets live here without core importing any model library. An agent run on its
 * own uses no gate; a workflow step hands its agent the run's gate.
 */
export interface ModelCallGate {
  /**
   * Waits until the call may go (rate limits, per-model concurrency) and decides
   * whether it may go at all (circuit breaker, budget). Rejects with `CancelledError`
   * when `request.signal` aborts while waiting.
   */
  acquire(request: ModelCallRequest): Promise<ModelCallPermit>;
  /**
   * Counts what a tool call cost against the budgets (the run's and `report.agent`'s), so
   * the next model call is refused once tools have spent the budget. Agents call it when a
   * tool call that reported a cost ends. Optional: a gate without budgets may leave it out.
   */
  recordToolCost?(report: ToolCostReport): void;
}

/** What one tool call cost, as its tool reported it (`costInCents`, `reportToolCost`). */
export interface ToolCostReport {
  /** The agent whose tool it was. */
  agent: string;
  tool: string;
  /** US cents, a finite number >= 0. */
  cents: number;
}

export interface ModelCallRequest {
  /** `provider:model-id`, as in `ResolvedModel.id`. */
  model: string;
  /** The agent making the call. */
  agent: string;
  /** Estimated prompt tokens, for token-bucket limits and budget checks. */
  estimatedInputTokens: number;
  signal: AbortSignal;
  /**
   * Among calls waiting for the same model, higher goes first. The engine sets it from the
   * calling step's `priority`. @default 0
   */
  priority?: number;
  /**
   * Among calls of equal priority waiting for the same model, the one whose step has the
   * longer remaining critical path goes first. The engine sets it. @default 0
   */
  criticalPath?: number;
}

export type ModelCallPermit =
  | {
      granted: true;
      /** Must be called exactly once when the call ends, success or failure. */
      release(outcome: ModelCallOutcome): void;
    }
  | {
      granted: false;
      reason: "circuit-open" | "budget-exceeded";
      error: BatonError;
      /** A budget policy of `switch-model`: the cheaper model to use instead. */
      switchTo?: string;
    };

export interface ModelCallOutcome {
  usage?: Usage;
  cost?: CostBreakdown;
  /** Set when the call failed. */
  error?: unknown;
  /** The provider's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number;
}
