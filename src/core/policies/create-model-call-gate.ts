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
import { type BudgetOptions, type BudgetSpent, BudgetTracker } from "./budget.js";
import type { BudgetExceededError } from "./budget-exceeded-error.js";
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitDecision,
} from "./circuit-breaker.js";
import { CircuitOpenError } from "./circuit-open-error.js";
import { ModelLimiter, type ModelLimits } from "./model-limiter.js";

export interface ModelCallGateOptions {
  clock: Clock;
  /** Per-model concurrency and rate limits; the same object shares its state across gates. */
  limits?: ModelLimits;
  /**
   * Per-model circuit breakers; the same object shares its breakers across gates, `false`
   * turns them off. A breaker opens when 60% of a model's last 100 calls failed, once it
   * has seen 20 (see `CircuitBreakerOptions`); 429s that carry a Retry-After count as rate
   * limiting, not as failures.
   * @default { failureRateThreshold: 0.6, minimumCalls: 20, windowSize: 100, cooldownMs: 30000, halfOpenProbes: 3 }, not shared
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Token and cent budgets for everything that goes through this gate. */
  budget?: BudgetOptions;
  /** Receives the gate's events (rate-limit-wait, circuit-*, budget-exceeded) and the call they concern. */
  onEvent?: (event: RunnableEvent, request: ModelCallRequest) => void;
  /** Told once when a budget with `onExceeded` "stop" or "pause" is breached. */
  onBudgetExceeded?: (error: BudgetExceededError) => void;
  /** What was spent before this gate existed (a resumed run), counted against `budget`. */
  spent?: BudgetSpent;
}

const sharedLimiters = new WeakMap<ModelLimits, Map<string, ModelLimiter>>();
const sharedBreakers = new WeakMap<CircuitBreakerOptions, Map<string, CircuitBreaker>>();

/**
 * The engine's `ModelCallGate`: per-model concurrency and token-bucket rate limits that
 * honour Retry-After, a circuit breaker per model, and budgets per run and per agent
 * (model calls' cost, and tool calls' cost through `recordToolCost`).
 */
export function createModelCallGate(options: ModelCallGateOptions): ModelCallGate {
  const { clock, limits, circuitBreaker = {}, budget, onEvent, onBudgetExceeded, spent } = options;
  const limiters = limitersFor(limits, clock.now());
  const breakers = breakersFor(circuitBreaker);
  const tracker = budget ? new BudgetTracker(budget, spent) : undefined;
  const reported = new Set<string>();

  const limiterOf = (model: string): ModelLimiter => {
    let limiter = limiters.get(model);
    if (!limiter) {
      limiter = new ModelLimiter(model, {}, clock.now());
      limiters.set(model, limiter);
    }
    return limiter;
  };

  const breakerOf = (model: string): CircuitBreaker | undefined => {
    if (!breakers) return undefined;
    let breaker = breakers.map.get(model);
    if (!breaker) {
      breaker = new CircuitBreaker(breakers.options);
      breakers.map.set(model, breaker);
    }
    return breaker;
  };

  /** A budget breach for this request, as a refusal, or undefined when it may go. */
  const budgetRefusal = (request: ModelCallRequest): ModelCallPermit | undefined => {
    const breach = tracker?.check(request.agent, request.estimatedInputTokens);
    if (!breach) return undefined;
    if (breach.action === "switch-model" && request.model === breach.switchTo) return undefined;
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

  const circuitRefusal = (model: string, breaker: CircuitBreaker): ModelCallPermit => ({
    granted: false,
    reason: "circuit-open",
    error: new CircuitOpenError({ model, retryAt: breaker.retryAt }),
  });

  return {
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
      const breaker = breakerOf(model);
      let limiter: ModelLimiter;
      for (;;) {
        // Refuse early, so a caller with a fallback moves on without queueing.
        const early = budgetRefusal(request);
        if (early) return early;
        if (breaker && !breaker.peek(clock.now())) {
          if (breaker.state !== "half-open") return circuitRefusal(model, breaker);
          await trialEnd(breaker, signal);
          continue;
        }

        limiter = limiterOf(model);
        await limiter.acquireSlot(signal);
        try {
          for (;;) {
            const waitMs = limiter.waitTime(clock.now(), estimated);
            if (waitMs <= 0) break;
            emit({ type: "rate-limit-wait", model, waitMs });
            await clock.sleep(waitMs, { signal });
          }
        } catch (error) {
          limiter.releaseSlot();
          throw error;
        }

        // Decide again: the breaker or the budget may have moved while we waited.
        const late = budgetRefusal(request);
        decision = late
          ? "reject"
          : breaker
            ? breaker.admit(clock.now(), () => emit({ type: "circuit-half-open", model }))
            : "pass";
        if (decision !== "reject") break;
        limiter.releaseSlot();
        if (late) return late;
        if (breaker!.state !== "half-open") return circuitRefusal(model, breaker!);
        await trialEnd(breaker!, signal);
      }
      limiter.take(clock.now(), estimated);

      let released = false;
      return {
        granted: true,
        release(outcome: ModelCallOutcome = {}) {
          if (released) return;
          released = true;
          const now = clock.now();
          limiter.releaseSlot();
          if (outcome.usage) limiter.correctTokens(now, outcome.usage.totalTokens - estimated);
          const retryAfterMs =
            outcome.retryAfterMs ??
            (outcome.error !== undefined ? retryAfterOf(outcome.error, now) : undefined);
          if (retryAfterMs !== undefined && retryAfterMs > 0)
            limiter.pauseUntil(now + retryAfterMs);
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
          tracker?.record(request.agent, outcome.usage, outcome.cost);
        },
      };
    },
  };
}

function limitersFor(limits: ModelLimits | undefined, now: number): Map<string, ModelLimiter> {
  if (limits === undefined) return new Map();
  if (typeof limits !== "object" || limits === null) {
    throw new TypeError(
      `limits: expected an object of per-model limits, received ${String(limits)}`,
    );
  }
  let map = sharedLimiters.get(limits);
  if (!map) {
    map = new Map();
    for (const [model, limit] of Object.entries(limits)) {
      map.set(model, new ModelLimiter(model, limit ?? {}, now));
    }
    sharedLimiters.set(limits, map);
  }
  return map;
}

function breakersFor(
  options: CircuitBreakerOptions | false,
): { options: CircuitBreakerOptions; map: Map<string, CircuitBreaker> } | undefined {
  if (options === false) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `circuitBreaker: expected { failureRateThreshold, minimumCalls, windowSize, cooldownMs, halfOpenProbes } or false, received ${String(options)}`,
    );
  }
  new CircuitBreaker(options); // validates eagerly
  let map = sharedBreakers.get(options);
  if (!map) {
    map = new Map();
    sharedBreakers.set(options, map);
  }
  return { options, map };
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
