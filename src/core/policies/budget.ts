/** A spending limit. Either bound may be left out. */
export interface BudgetLimit {
  /**
   * Total tokens (input + output) of every model call, failed ones included, and the
   * reservations of calls aborted before their reply (possibly billed).
   */
  maxTokens?: number;
  /**
   * Total model and tool cost in US cents: every model call (failed ones included, calls
   * aborted before their reply at their reservation; calls with an unknown price count as
   * 0) and what tools reported (`costInCents`, `reportToolCost`).
   */
  maxCents?: number;
}

/** `onExceeded: { switchTo }`: go on with a cheaper model, within a hard limit. */
export interface SwitchModelOptions {
  /** The model every call goes to once a limit is reached (`provider:model-id`). */
  switchTo: string;
  /**
   * How far past each limit the cheaper model may go, as a fraction of the limit: calls
   * stop (as with `"stop"`) once spending passes `limit * (1 + headroom)`. `Infinity`
   * never stops.
   * @default 0.5
   * @example { switchTo: "openai:gpt-4o-mini", headroom: 0.2 } // maxCents 50: stop past 60
   */
  headroom?: number;
}

/**
 * Budgets for one run (sub-workflows and delegations included), checked before each model
 * call with what calls in flight have reserved. A call reserves its prompt's tokens plus
 * its output cap (`maxOutputTokens`, else `reserveOutputTokens`), priced; it goes only if
 * what is spent, plus every reservation in flight, plus its own stays within each limit
 * that applies (the run's, its agent's). A call that does not fit waits while other calls
 * are in flight, and is checked again as each settles; once nothing is in flight,
 * `onExceeded` applies. A call without an output cap may still go alone, when nothing else
 * is in flight and its prompt fits: it can pass the limit by what it writes. When a reply
 * arrives its reservation is replaced by what the provider reported; a call aborted before
 * its reply stays spent at its reservation (possibly billed).
 * @example { maxCents: 50, perAgent: { writer: { maxTokens: 20_000 } }, onExceeded: { switchTo: "openai:gpt-4o-mini" } }
 */
export interface BudgetOptions extends BudgetLimit {
  /** Limits per agent name, on top of the run's. */
  perAgent?: Record<string, BudgetLimit>;
  /**
   * The output tokens a call without an output cap (`maxOutputTokens`) reserves.
   * @default 4096
   */
  reserveOutputTokens?: number;
  /**
   * What a breach does: `"stop"` fails the run with a `BudgetExceededError`;
   * `{ switchTo }` lets calls go on with that (cheaper) model only, up to a hard limit
   * `headroom` past the budget, where the run stops as with `"stop"`; `"pause"` ends the
   * run as `waiting`, to be resumed once someone decides.
   * @default "stop"
   */
  onExceeded?: "stop" | SwitchModelOptions | "pause";
}

/** Spending carried over from an earlier part of the run (a resumed run), possibly billed included. */
export interface BudgetSpent {
  tokens: number;
  /** `null` when some earlier call's price was unknown. */
  cents: number | null;
  perAgent?: Record<string, { tokens: number; cents: number | null }>;
}
