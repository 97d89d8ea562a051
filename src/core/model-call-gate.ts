import type { BatonError } from "./errors/baton-error.js";
import type { CallEstimate, CallReservation } from "./policies/call-reservation.js";
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
   * Whether this gate keeps budgets, so calls should send their `estimate` (counting a
   * prompt's tokens is not free: callers skip it when no budget needs it).
   */
  readonly reservesBudget?: boolean;
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
  /** A cheap estimate of the prompt's tokens, for token-bucket limits. */
  estimatedInputTokens: number;
  /**
   * What the call may spend, for budget reservations: callers send it to a gate that
   * `reservesBudget`. Plain data, so it can cross to a gate in another process. Without it,
   * a call reserves `estimatedInputTokens` plus the budget's default output, at 0 cents.
   */
  estimate?: CallEstimate;
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
      /**
       * What the call holds against the budgets until it is released, when a budget applies:
       * its estimated input plus its output cap (or the budget's default), priced.
       */
      reservation?: CallReservation;
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
  /**
   * The call was aborted before its reply arrived: the provider may have billed it, so its
   * reservation stays spent (counted as `possiblyBilled`), in place of `usage` and `cost`.
   */
  possiblyBilled?: boolean;
  /** Set when the call failed. */
  error?: unknown;
  /** The provider's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number;
}
