import { CancelledError } from "../errors/cancelled-error.js";
import type {
  ModelCallGate,
  ModelCallOutcome,
  ModelCallPermit,
  ModelCallRequest,
  ToolCostReport,
} from "../model-call-gate.js";
import type { Clock } from "../ports/clock.js";
import { isRetryableError, retryAfterOf } from "../retry-policy.js";
import type { RunnableEvent } from "../runnable.js";
import type { BudgetOptions, BudgetSpent } from "./budget.js";
import type { BudgetExceededError } from "./budget-exceeded-error.js";
import { type BudgetHold, BudgetTracker } from "./budget-tracker.js";
import { type CallReservation, reserveCall } from "./call-reservation.js";
import type { CircuitBreaker, CircuitBreakerOptions, CircuitDecision } from "./circuit-breaker.js";
import { CircuitBreakers } from "./circuit-breakers.js";
import { CircuitOpenError } from "./circuit-open-error.js";
import type { ModelLimiter, ModelLimits } from "./model-limiter.js";
import { ModelLimiters } from "./model-limiters.js";

export interface ModelCallGateOptions {
  clock: Clock;
  /**
   * Per-model concurrency and rate limits: this gate keeps their state; a `ModelLimiters`
   * shares its state with every gate it is given to.
   */
  limits?: ModelLimits | ModelLimiters;
  /**
   * Per-model circuit breakers: this gate keeps its own; a `CircuitBreakers` shares its
   * breakers with every gate it is given to; `false` turns them off. A breaker opens when 60% of a model's last 100 calls failed, once it
   * has seen 20 (see `CircuitBreakerOptions`); 429s that carry a Retry-After count as rate
   * limiting, not as failures.
   * @default { failureRateThreshold: 0.6, minimumCalls: 20, windowSize: 100, cooldownMs: 30000, halfOpenProbes: 3 }, not shared
   */
  circuitBreaker?: CircuitBreakerOptions | false | CircuitBreakers;
  /** Token and cent budgets for everything that goes through this gate. */
  budget?: BudgetOptions;
  /** Receives the gate's events (rate-limit-wait, circuit-*, budget-exceeded) and the call they concern. */
  onEvent?: (event: RunnableEvent, request: ModelCallRequest) => void;
  /** Told once when a budget with `onExceeded` "stop" or "pause" is breached. */
  onBudgetExceeded?: (error: BudgetExceededError) => void;
  /** What was spent before this gate existed (a resumed run), counted against `budget`. */
  spent?: BudgetSpent;
}

/**
 * The engine's `ModelCallGate`: per-model concurrency and token-bucket rate limits that
 * honour Retry-After, a circuit breaker per model, and budgets per run and per agent
 * (model calls' cost, and tool calls' cost through `recordToolCost`).
 */
export function createModelCallGate(options: ModelCallGateOptions): ModelCallGate {
  const { clock, limits, circuitBreaker = {}, budget, onEvent, onBudgetExceeded, spent } = options;
  const limiters = limits instanceof ModelLimiters ? limits : new ModelLimiters(limits);
  const breakers =
    circuitBreaker === false
      ? undefined
      : circuitBreaker instanceof CircuitBreakers
        ? circuitBreaker
        : new CircuitBreakers(circuitBreaker);
  const tracker = budget ? new BudgetTracker(budget, spent) : undefined;
  const reported = new Set<string>();

  /** A budget breach, as a refusal (its event logged once, the run told of a stop or pause). */
  const budgetRefusal = (
    breach: BudgetExceededError,
    request: ModelCallRequest,
  ): Extract<ModelCallPermit, { granted: false }> => {
    const key = `${breach.scope}:${breach.agent ?? ""}:${breach.action}`;
    if (!reported.has(key)) {
      reported.add(key);
      onEvent?.(
        {
          type: "budget-exceeded",
          scope: breach.scope,
          ...(breach.agent !== undefined ? { agent: breach.agent } : {}),
          limit: breach.limit,
          spent: breach.spent,
          action: breach.action,
          ...(breach.switchTo !== undefined ? { switchTo: breach.switchTo } : {}),
        },
        request,
      );
      if (breach.action !== "switch-model") onBudgetExceeded?.(breach);
    }
    return {
      granted: false,
      reason: "budget-exceeded",
      error: breach,
      ...(breach.switchTo !== undefined ? { switchTo: breach.switchTo } : {}),
    };
  };

  /**
   * Reserves the call's room in the budgets, waiting while it does not fit and other calls
   * are in flight: a hold, or the refusal once nothing in flight can make room.
   */
  const reserve = async (
    tracker: BudgetTracker,
    request: ModelCallRequest,
    reservation: CallReservation,
  ): Promise<{ hold: BudgetHold } | { refusal: ModelCallPermit }> => {
    for (;;) {
      const verdict = tracker.admit(request.agent, request.model, reservation);
      if (verdict.kind === "granted") return { hold: verdict.hold };
      if (verdict.kind === "breach") return { refusal: budgetRefusal(verdict.error, request) };
      await tracker.nextSettle(request.signal);
    }
  };

  const circuitRefusal = (model: string, breaker: CircuitBreaker): ModelCallPermit => ({
    granted: false,
    reason: "circuit-open",
    error: new CircuitOpenError({ model, retryAt: breaker.retryAt }),
  });

  return {
    reservesBudget: tracker !== undefined,
    recordToolCost(report: ToolCostReport): void {
      const cents = report?.cents;
      if (typeof cents !== "number" || !Number.isFinite(cents) || cents < 0) {
        throw new TypeError(
          `recordToolCost: expected report.cents to be a finite number >= 0, received ${String(cents)}`,
        );
      }
      if (typeof report.agent !== "string") {
        throw new TypeError(
          `recordToolCost: expected report.agent to be an agent name, received ${String(report.agent)}`,
        );
      }
      tracker?.recordToolCost(report.agent, cents);
    },
    async acquire(request: ModelCallRequest): Promise<ModelCallPermit> {
      const { model, signal } = request;
      const emit = (event: RunnableEvent) => onEvent?.(event, request);
      if (typeof model !== "string" || model === "") {
        throw new TypeError(`request.model: expected a model name, received ${String(model)}`);
      }
      const estimated = Math.max(0, request.estimatedInputTokens || 0);
      if (signal?.aborted) throw new CancelledError(undefined, { cause: signal.reason });
      let decision: CircuitDecision;
      const breaker = breakers?.for(model);
      const limiter: ModelLimiter = limiters.for(model, clock);
      const reservation = tracker ? reserveCall(request, tracker.reserveOutputTokens) : undefined;
      let hold: BudgetHold | undefined;
      const unhold = () => {
        if (hold) tracker?.settle(hold, { tokens: 0, cents: 0 });
        hold = undefined;
      };
      let reserved = 0;
      for (;;) {
        // Reserve first, so a caller with a fallback moves on without queueing.
        if (tracker && reservation) {
          const reserving = await reserve(tracker, request, reservation);
          if ("refusal" in reserving) return reserving.refusal;
          hold = reserving.hold;
        }
        if (breaker && !breaker.peek(clock.now())) {
          unhold();
          if (breaker.state !== "half-open") return circuitRefusal(model, breaker);
          await trialEnd(breaker, signal);
          continue;
        }

        try {
          reserved = await limiter.admit({
            estimatedTokens: estimated,
            priority: request.priority,
            criticalPath: request.criticalPath,
            signal,
            onWait: (waitMs) => emit({ type: "rate-limit-wait", model, waitMs }),
          });
        } catch (error) {
          unhold();
          throw error;
        }

        // Decide again: the breaker may have moved while we waited.
        decision = breaker
          ? breaker.admit(clock.now(), () => emit({ type: "circuit-half-open", model }))
          : "pass";
        if (decision !== "reject") break;
        limiter.refund(reserved);
        limiter.release();
        unhold();
        if (breaker!.state !== "half-open") return circuitRefusal(model, breaker!);
        await trialEnd(breaker!, signal);
      }
      let released = false;
      return {
        granted: true,
        ...(reservation ? { reservation } : {}),
        release(outcome: ModelCallOutcome = {}) {
          if (released) return;
          released = true;
          const now = clock.now();
          limiter.correctTokens(
            now,
            reserved,
            outcome.usage?.totalTokens ?? 0,
            outcome.usage?.outputTokens ?? 0,
          );
          const retryAfterMs =
            outcome.retryAfterMs ??
            (outcome.error !== undefined ? retryAfterOf(outcome.error, now) : undefined);
          if (retryAfterMs !== undefined && retryAfterMs > 0)
            limiter.pauseUntil(now + retryAfterMs);
          limiter.release();
          if (breaker) {
            const trial = { trial: decision === "trial" };
            if (outcome.error === undefined) {
              if (breaker.recordSuccess(trial)) emit({ type: "circuit-close", model });
            } else if (
              CancelledError.isInstance(outcome.error) ||
              !isRetryableError(outcome.error) ||
              // The model is up and asks us to slow down: the rate limiter waits it out.
              (retryAfterMs !== undefined && statusCodeOf(outcome.error) === 429)
            ) {
              breaker.recordAbandoned(trial);
            } else if (breaker.recordFailure(now, trial)) {
              emit({ type: "circuit-open", model, failures: breaker.failures });
            }
          }
          if (hold) {
            tracker?.settle(
              hold,
              outcome.possiblyBilled
                ? reservation!
                : { tokens: outcome.usage?.totalTokens ?? 0, cents: outcome.cost?.totalCents },
            );
          }
        },
      };
    },
  };
}

/** The HTTP status of a failed call, from the error or one of its causes. */
function statusCodeOf(error: unknown): number | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") return undefined;
    const { statusCode, status, cause } = current as {
      statusCode?: unknown;
      status?: unknown;
      cause?: unknown;
    };
    const code = statusCode ?? status;
    if (typeof code === "number") return code;
    current = cause;
  }
  return undefined;
}

/**
 * Waits for a half-open circuit's trial call to end: it is finding out whether the model
 * is back, so a caller learns that rather than failing (a caller refused at once would,
 * with its run failing fast, cancel the trial itself, and the circuit would never close).
 */
async function trialEnd(breaker: CircuitBreaker, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return breaker.trialEnd();
  if (signal.aborted) throw new CancelledError(undefined, { cause: signal.reason });
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError(undefined, { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    breaker.trialEnd().then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
