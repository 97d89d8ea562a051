import { CancelledError } from "../errors/cancelled-error.js";
import type { BudgetLimit, BudgetOptions, BudgetSpent } from "./budget.js";
import { type BudgetAction, BudgetExceededError } from "./budget-exceeded-error.js";
import { type CallReservation, defaultOutputReservation } from "./call-reservation.js";

/** What one scope (the run, or one agent) has spent and has reserved for calls in flight. */
interface Books {
  /** Confirmed plus possibly billed. */
  tokens: number;
  cents: number;
  unknownCents: boolean;
  reservedTokens: number;
  reservedCents: number;
  /** Calls holding a reservation in this scope. */
  inFlight: number;
}

/** A granted call's claim on the budgets, until it settles. */
export interface BudgetHold {
  readonly agent: string;
  readonly reservation: CallReservation;
}

/** Whether a call may go now, must wait for calls in flight to settle, or breaches a limit. */
export type BudgetVerdict =
  | { kind: "granted"; hold: BudgetHold }
  | { kind: "wait" }
  | { kind: "breach"; error: BudgetExceededError };

type Fit = "fits" | "wait" | "over";

/** Float sums of cents must not refuse a call that fits exactly. */
const within = (value: number, limit: number): boolean =>
  value <= limit + 1e-9 * Math.max(1, Math.abs(limit));

const emptyBooks = (): Books => ({
  tokens: 0,
  cents: 0,
  unknownCents: false,
  reservedTokens: 0,
  reservedCents: 0,
  inFlight: 0,
});

/**
 * The books of a run's budgets (internal to the gate): what the run and each agent spent,
 * what calls in flight reserved, and whether the next call fits. Its state belongs to the
 * gate of one run tree (handed to child runs through the run context), not to the process.
 */
export class BudgetTracker {
  readonly #options: BudgetOptions;
  readonly #run: Books = emptyBooks();
  readonly #agents = new Map<string, Books>();
  readonly #holds = new Set<BudgetHold>();
  #waiters: Array<() => void> = [];
  /**
   * Stops and pauses breached so far, by scope (`run`, or an agent's name): every later call
   * in that scope is refused with the same error, so none goes out while the run stops.
   */
  readonly #halted = new Map<string, BudgetExceededError>();
  readonly action: BudgetAction;
  readonly switchTo: string | undefined;
  /** With `switchTo`: how far past a limit (a fraction of it) spending may go. */
  readonly headroom: number | undefined;
  /** What a call without an output cap reserves for its output. */
  readonly reserveOutputTokens: number;

  /** `options` as checked where they were given (`flow.start()`, the spec) against one rule. */
  constructor(options: BudgetOptions, spent?: BudgetSpent) {
    this.reserveOutputTokens = options.reserveOutputTokens ?? defaultOutputReservation;
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
        this.#add(this.#booksOf(agent), agentSpent.tokens, agentSpent.cents);
      }
    }
  }

  /**
   * Decides a call of `agent` on `model` that would reserve `reservation`, and reserves it
   * when it fits. With `switchTo`, the hard limits (a limit plus its headroom) come first
   * and apply to every model (their breach is a `"stop"`); the limits themselves do not
   * apply to the cheaper model.
   */
  admit(agent: string, model: string, reservation: CallReservation): BudgetVerdict {
    const halted = this.#halted.get("run") ?? this.#halted.get(`agent:${agent}`);
    if (halted) return { kind: "breach", error: halted };
    const agentLimit = this.#options.perAgent?.[agent];
    const scopes: Array<[scope: "run" | "agent", limit: BudgetLimit, books: Books]> = [
      ["run", this.#options, this.#run],
    ];
    if (agentLimit) scopes.push(["agent", agentLimit, this.#booksOf(agent)]);
    const checks: Array<[scope: "run" | "agent", BudgetLimit, Books, BudgetAction]> = [];
    if (this.headroom !== undefined && this.headroom !== Number.POSITIVE_INFINITY) {
      const scale = 1 + this.headroom;
      for (const [scope, limit, books] of scopes) {
        const hard: BudgetLimit = {};
        if (limit.maxTokens !== undefined) hard.maxTokens = limit.maxTokens * scale;
        if (limit.maxCents !== undefined) hard.maxCents = limit.maxCents * scale;
        checks.push([scope, hard, books, "stop"]);
      }
    }
    if (!(this.action === "switch-model" && model === this.switchTo)) {
      for (const [scope, limit, books] of scopes) checks.push([scope, limit, books, this.action]);
    }
    let wait = false;
    for (const [scope, limit, books, action] of checks) {
      const fit = this.#fit(limit, books, reservation);
      if (fit === "over") {
        const error = this.#breach(scope, agent, limit, books, action);
        if (action !== "switch-model") {
          this.#halted.set(scope === "run" ? "run" : `agent:${agent}`, error);
        }
        return { kind: "breach", error };
      }
      if (fit === "wait") wait = true;
    }
    if (wait) return { kind: "wait" };
    const hold: BudgetHold = { agent, reservation };
    this.#holds.add(hold);
    for (const books of [this.#run, this.#booksOf(agent)]) {
      books.reservedTokens += reservation.tokens;
      books.reservedCents += reservation.cents ?? 0;
      books.inFlight++;
    }
    return { kind: "granted", hold };
  }

  /**
   * Ends `hold`: its reservation is replaced by what the call spent (`spent`; its
   * reservation when it was aborted before its reply; nothing when it never went out).
   * Calls waiting for room are checked again.
   */
  settle(hold: BudgetHold, spent: { tokens: number; cents: number | null | undefined }): void {
    if (!this.#holds.delete(hold)) return;
    const { reservation } = hold;
    for (const books of [this.#run, this.#booksOf(hold.agent)]) {
      books.reservedTokens -= reservation.tokens;
      books.reservedCents -= reservation.cents ?? 0;
      books.inFlight--;
      this.#add(books, spent.tokens, spent.cents);
    }
    this.#wake();
  }

  /** Adds what a tool call of `agent` cost to the run's and the agent's spending. */
  recordToolCost(agent: string, cents: number): void {
    this.#add(this.#run, 0, cents);
    this.#add(this.#booksOf(agent), 0, cents);
  }

  /** Resolves when a call in flight settles; rejects with `CancelledError` when `signal` aborts. */
  nextSettle(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted)
      return Promise.reject(new CancelledError(undefined, { cause: signal.reason }));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== wake);
        reject(new CancelledError(undefined, { cause: signal?.reason }));
      };
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(wake);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #add(books: Books, tokens: number, cents: number | null | undefined): void {
    books.tokens += tokens;
    if (cents === null) books.unknownCents = true;
    else if (cents !== undefined) books.cents += cents;
  }

  #booksOf(agent: string): Books {
    let books = this.#agents.get(agent);
    if (!books) {
      books = emptyBooks();
      this.#agents.set(agent, books);
    }
    return books;
  }

  /**
   * Whether a call fits under `limit` now, could fit once calls in flight settle (spending
   * only grows, so only their unused reservations can make room), or never will. A call
   * without an output cap that fits by its prompt alone may go once nothing else is in
   * flight in the scope.
   */
  #fit(limit: BudgetLimit, books: Books, reservation: CallReservation): Fit {
    const fits: Fit[] = [];
    if (limit.maxTokens !== undefined) {
      const max = limit.maxTokens;
      const least = reservation.capped ? reservation.tokens : reservation.inputTokens;
      if (within(books.tokens + books.reservedTokens + reservation.tokens, max)) fits.push("fits");
      else if (!within(books.tokens + least, max)) return "over";
      else fits.push(books.inFlight > 0 ? "wait" : "fits");
    }
    if (limit.maxCents !== undefined) {
      const max = limit.maxCents;
      const cents = reservation.cents ?? 0;
      const least = reservation.capped ? cents : reservation.inputCents;
      if (books.cents >= max) return "over";
      if (within(books.cents + books.reservedCents + cents, max)) fits.push("fits");
      else if (!within(books.cents + least, max)) return "over";
      else fits.push(books.inFlight > 0 ? "wait" : "fits");
    }
    return fits.includes("wait") ? "wait" : "fits";
  }

  #breach(
    scope: "run" | "agent",
    agent: string,
    limit: BudgetLimit,
    books: Books,
    action: BudgetAction,
  ): BudgetExceededError {
    return new BudgetExceededError({
      scope,
      ...(scope === "agent" ? { agent } : {}),
      limit: {
        ...(limit.maxTokens !== undefined ? { maxTokens: limit.maxTokens } : {}),
        ...(limit.maxCents !== undefined ? { maxCents: limit.maxCents } : {}),
      },
      spent: { tokens: books.tokens, cents: books.unknownCents ? null : books.cents },
      action,
      ...(action === "switch-model" && this.switchTo !== undefined
        ? { switchTo: this.switchTo }
        : {}),
    });
  }
}
