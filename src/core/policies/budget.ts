import type { CostBreakdown, Usage } from "../usage.js";
import { type BudgetAction, BudgetExceededError } from "./budget-exceeded-error.js";

/** A spending limit. Either bound may be left out. */
export interface BudgetLimit {
  /** Total tokens (input + output) of every model call, failed ones included. */
  maxTokens?: number;
  /**
   * Total model and tool cost in US cents: every model call (failed ones included; calls
   * with an unknown price count as 0) and what tools reported (`costInCents`,
   * `reportToolCost`).
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
 * Budgets for one run (sub-workflows included), checked before each model call: the
 * call is refused when tokens spent plus its estimated input tokens would pass
 * `maxTokens`, or when the cents spent (model calls and tools) have reached `maxCents`.
 * @example { maxCents: 50, perAgent: { writer: { maxTokens: 20_000 } }, onExceeded: { switchTo: "openai:gpt-4o-mini" } }
 */
export interface BudgetOptions extends BudgetLimit {
  /** Limits per agent name, on top of the run's. */
  perAgent?: Record<string, BudgetLimit>;
  /**
   * What a breach does: `"stop"` fails the run with a `BudgetExceededError`;
   * `{ switchTo }` lets calls go on with that (cheaper) model only, up to a hard limit
   * `headroom` past the budget, where the run stops as with `"stop"`; `"pause"` ends the
   * run as `waiting`, to be resumed once someone decides.
   * @default "stop"
   */
  onExceeded?: "stop" | SwitchModelOptions | "pause";
}

/** Spending carried over from an earlier part of the run (a resumed run). */
export interface BudgetSpent {
  tokens: number;
  /** `null` when some earlier call's price was unknown. */
  cents: number | null;
  perAgent?: Record<string, { tokens: number; cents: number | null }>;
}

interface Spent {
  tokens: number;
  cents: number;
  unknownCents: boolean;
}

/** Tracks what a run and its agents spent and decides whether the next call fits. */
export class BudgetTracker {
  readonly #options: BudgetOptions;
  readonly #run: Spent = { tokens: 0, cents: 0, unknownCents: false };
  readonly #agents = new Map<string, Spent>();
  readonly action: BudgetAction;
  readonly switchTo: string | undefined;
  /** With `switchTo`: how far past a limit (a fraction of it) spending may go. */
  readonly headroom: number | undefined;

  /** `options` as checked where they were given (`flow.start()`, the spec) against one rule. */
  constructor(options: BudgetOptions, spent?: BudgetSpent) {
    const onExceeded = options.onExceeded ?? "stop";
    if (typeof onExceeded === "object") {
      this.action = "switch-model";
      this.switchTo = onExceeded.switchTo;
      this.headroom = onExceeded.headroom ?? 0.5;
    } else {
      this.action = onExceeded;
      this.switchTo = undefined;
      this.headroom = undefined;
    }
    this.#options = options;
    if (spent) {
      this.#add(this.#run, spent.tokens, spent.cents);
      for (const [agent, agentSpent] of Object.entries(spent.perAgent ?? {})) {
        this.#add(this.#spentBy(agent), agentSpent.tokens, agentSpent.cents);
      }
    }
  }

  #add(spent: Spent, tokens: number, cents: number | null | undefined): void {
    spent.tokens += tokens;
    if (cents === null) spent.unknownCents = true;
    else if (cents !== undefined) spent.cents += cents;
  }

  /**
   * The breach a call of `agent` with `estimatedInputTokens` would cause, if any. With
   * `switchTo`, a breach of a hard limit (the limit plus its headroom) comes first: it is
   * a `"stop"`, for every model.
   */
  check(agent: string, estimatedInputTokens: number): BudgetExceededError | undefined {
    const agentLimit = this.#options.perAgent?.[agent];
    const scopes: Array<[scope: "run" | "agent", limit: BudgetLimit, spent: Spent]> = [
      ["run", this.#options, this.#run],
    ];
    if (agentLimit) scopes.push(["agent", agentLimit, this.#spentBy(agent)]);
    if (this.headroom !== undefined && this.headroom !== Number.POSITIVE_INFINITY) {
      const scale = 1 + this.headroom;
      for (const [scope, limit, spent] of scopes) {
        const hard: BudgetLimit = {};
        if (limit.maxTokens !== undefined) hard.maxTokens = limit.maxTokens * scale;
        if (limit.maxCents !== undefined) hard.maxCents = limit.maxCents * scale;
        const breach = this.#breach(scope, agent, hard, spent, estimatedInputTokens, "stop");
        if (breach) return breach;
      }
    }
    for (const [scope, limit, spent] of scopes) {
      const breach = this.#breach(scope, agent, limit, spent, estimatedInputTokens, this.action);
      if (breach) return breach;
    }
    return undefined;
  }

  /** Adds a finished call's usage and cost to the run's and the agent's spending. */
  record(agent: string, usage: Usage | undefined, cost: CostBreakdown | undefined): void {
    const tokens = usage?.totalTokens ?? 0;
    this.#add(this.#run, tokens, cost?.totalCents);
    this.#add(this.#spentBy(agent), tokens, cost?.totalCents);
  }

  /** Adds what a tool call of `agent` cost to the run's and the agent's spending. */
  recordToolCost(agent: string, cents: number): void {
    this.#add(this.#run, 0, cents);
    this.#add(this.#spentBy(agent), 0, cents);
  }

  #spentBy(agent: string): Spent {
    let spent = this.#agents.get(agent);
    if (!spent) {
      spent = { tokens: 0, cents: 0, unknownCents: false };
      this.#agents.set(agent, spent);
    }
    return spent;
  }

  #breach(
    scope: "run" | "agent",
    agent: string,
    limit: BudgetLimit,
    spent: Spent,
    estimatedInputTokens: number,
    action: BudgetAction,
  ): BudgetExceededError | undefined {
    const overTokens =
      limit.maxTokens !== undefined && spent.tokens + estimatedInputTokens > limit.maxTokens;
    const overCents = limit.maxCents !== undefined && spent.cents >= limit.maxCents;
    if (!overTokens && !overCents) return undefined;
    return new BudgetExceededError({
      scope,
      ...(scope === "agent" ? { agent } : {}),
      limit: {
        ...(limit.maxTokens !== undefined ? { maxTokens: limit.maxTokens } : {}),
        ...(limit.maxCents !== undefined ? { maxCents: limit.maxCents } : {}),
      },
      spent: { tokens: spent.tokens, cents: spent.unknownCents ? null : spent.cents },
      action,
      ...(action === "switch-model" && this.switchTo !== undefined
        ? { switchTo: this.switchTo }
        : {}),
    });
  }
}
