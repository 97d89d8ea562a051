import type { ModelCallGate } from "../model-call-gate.js";
import type { BudgetOptions } from "../policies/budget.js";
import type { CircuitBreakerOptions } from "../policies/circuit-breaker.js";
import type { CircuitBreakers } from "../policies/circuit-breakers.js";
import type { ModelLimits } from "../policies/model-limiter.js";
import type { ModelLimiters } from "../policies/model-limiters.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { RunStore } from "../ports/run-store.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import type { StepDispatcher } from "../ports/step-dispatcher.js";
import type { ResponseCacheOptions } from "../response-cache-options.js";
import type { RunState } from "../run/fold-run-log.js";
import type { ParentLink } from "../run-context.js";
import type { FailureMode } from "./step-options.js";

/** How one run of a workflow executes. */
export interface StartOptions {
  /**
   * Steps running at once. `mode: "sequential"` on the workflow forces 1.
   * @default Infinity (every ready step starts; limit model calls with `limits`)
   */
  concurrency?: number;
  /** Where the run's log goes. @default the workflow runtime's (a new MemoryStore) */
  store?: RunStore;
  /** @default the workflow runtime's (`systemClock`) */
  clock?: Clock;
  /** @default the workflow runtime's (`randomIdGenerator`) */
  ids?: IdGenerator;
  /** A uniform number in [0, 1), for retry jitter. @default the workflow runtime's (`Math.random`) */
  random?: () => number;
  /**
   * Where ready steps run. @default the in-process dispatcher (each step runs here, at once)
   */
  dispatcher?: StepDispatcher;
  /** Cancels the run when it aborts, like `run.cancel()`. */
  signal?: AbortSignal;
  /** The run's id. @default ids.next("run") */
  runId?: string;
  /** The run this one belongs to (set for sub-workflows). */
  parentRunId?: string;
  /** The run and step this one is a child of (set for sub-workflows); wins over `parentRunId`. */
  parent?: ParentLink;
  /** Token and cent budgets for the run, its agents and sub-workflows. */
  budget?: BudgetOptions;
  /**
   * Per-model concurrency and rate limits. Calls that must wait for a model start in the
   * order their steps would (priority, then remaining critical path). The run keeps the
   * counters and buckets of plain `ModelLimits`; pass one `ModelLimiters` to several runs to
   * share them (as the runs of one provider account do).
   * @example flow.start(input, { limits: { "openai:gpt-4o": { requestsPerMinute: 500, tokensPerMinute: 30_000 } } })
   */
  limits?: ModelLimits | ModelLimiters;
  /**
   * Per-model circuit breakers (`false` turns them off). The run keeps its own breakers
   * for options; pass one `CircuitBreakers` to several runs to share them. A model's breaker opens on a sustained failure rate: 60% of its
   * last 100 calls failed, once it has seen 20; 429s with a Retry-After are rate limiting,
   * not failures. It stays open 30 s, then trial calls go one at a time: the first success
   * closes it, three failures in a row reopen it. `failureThreshold: n` (deprecated) opens
   * it after n consecutive failures instead.
   * @default { failureRateThreshold: 0.6, minimumCalls: 20, windowSize: 100, cooldownMs: 30000, halfOpenProbes: 3 }
   * @example
   * flow.start(input, { circuitBreaker: { failureRateThreshold: 0.8, minimumCalls: 10 } })
   */
  circuitBreaker?: CircuitBreakerOptions | false | CircuitBreakers;
  /**
   * A response cache for the run: every agent of the run without a cache of its own (its
   * sub-workflows' and those a function step runs included) answers a request seen within
   * `ttlMs` from it, at no cost. Kept in the run store (its `responseCache`: MemoryStore,
   * SqliteStore and PostgresStore have one) unless `store` names another, so the runs that
   * share a store share the answers.
   * @default none
   * @example flow.run(input, { store: new SqliteStore(), cache: { ttlMs: 3_600_000 } })
   */
  cache?: ResponseCacheOptions;
  /** Overrides the workflow's failure mode. @default the workflow's, else "fail-fast" */
  failureMode?: FailureMode;
  /**
   * A folded log (`foldRunLog`) to continue: steps that ended keep their recorded output
   * and never run again; steps that were in flight run again. The run keeps its id and
   * input and appends to the same log.
   */
  resumeFrom?: RunState;
  /** Uses this gate for model calls instead of one built from `limits`, `budget` and `circuitBreaker`. */
  gate?: ModelCallGate;
  /** Stored with the run record: what is needed to rebuild the workflow on resume. */
  definition?: unknown;
  /** Stored with the run record. */
  metadata?: Record<string, unknown>;
  /**
   * Traces the run: sees every event of it and of its child runs as they are logged, and gives
   * model calls the trace context their HTTP requests carry. Nothing is traced without it.
   * @example flow.start(input, { telemetry: telemetry() }) // from "baton-ai/telemetry"
   */
  telemetry?: RunTelemetry;
}
