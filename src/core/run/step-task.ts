import { stepAbortTurns, turnsUntil } from "../abort-grace.js";
import { TimeoutError } from "../errors/timeout-error.js";
import type { BatonEvent } from "../events.js";
import { serializeError } from "../events.js";
import type { ModelCallGate } from "../model-call-gate.js";
import type { Outcome } from "../outcome.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { LoggedEvent, RunStore } from "../ports/run-store.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import type { StepDispatcher } from "../ports/step-dispatcher.js";
import { type ResolvedRetryOptions, retryAfterOf, retryDelay } from "../retry-policy.js";
import type { ParentLink, RunOverrides } from "../run-context.js";
import type { RunnableEvent } from "../runnable.js";
import { addCost, addUsage, type CostBreakdown, type Usage } from "../usage.js";
import type { StepDefinition, StepResults } from "../workflow/step-options.js";
import { AttemptContext } from "./attempt-context.js";
import { defaultInput } from "./default-input.js";
import { failedWithoutSpend } from "./execute-step.js";
import type { StepDefaults } from "./execution-options.js";
import { attemptKey, noCost, noUsage, type RunState } from "./fold-run-log.js";
import { redactEventField } from "./redact-secrets.js";
import type { JournalEffect } from "./run-journal.js";

/** What a running step needs from its run. */
export interface TaskHost {
  readonly runId: string;
  readonly workflow: string;
  /** The run's state so far (approvals decided, steps ended). */
  readonly state: RunState;
  readonly parentRunId: string | undefined;
  readonly parent: ParentLink | undefined;
  readonly store: RunStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly random: () => number;
  readonly signal: AbortSignal;
  /** Whether `signal` is aborted (the run is ending early). */
  readonly aborted: boolean;
  readonly input: unknown;
  readonly results: StepResults;
  readonly dispatcher: StepDispatcher;
  readonly telemetry: RunTelemetry | undefined;
  /** Whether a step may find work its attempt logged already (see `Execution.mayReplay`). */
  readonly mayReplay: boolean;
  /** Whether a budget stop or pause holds the run: no step is retried. */
  readonly holding: boolean;
  /** The ids of the steps step `index` depends on, directly or not. */
  ancestorsOf(index: number): readonly string[];
  /** The run's gate, naming `stepId` as the caller in the gate's events. */
  gateFor(stepId: string): ModelCallGate;
  readonly stepDefaults: StepDefaults;
  /** The retry policy of function steps without their own. */
  readonly defaultRetry: ResolvedRetryOptions;
  record(event: LoggedEvent): void;
  /** `record` for an event whose fields the engine made or redacted (`redactEventField`). */
  recordRedacted(event: LoggedEvent): void;
  after(effect: JournalEffect): void;
  emitFrom(stepId: string, event: RunnableEvent): void;
  /** Puts a child run's stored event on this run's stream. */
  publish(event: BatonEvent): void;
  succeeded(task: StepTask, output: unknown): void;
  /** The step ended without succeeding, for good (no retry left): failed, cancelled or waiting. */
  ended(task: StepTask, outcome: Exclude<Outcome, { status: "succeeded" }>): void;
}

const noop = () => {};
const noEvents: readonly LoggedEvent[] = Object.freeze([]);

/**
 * One execution of one step, on the run owner's side: its attempts (each handed to the
 * run's dispatcher), loop iterations, timeouts, retries and spend. The owner keeps the
 * timers and the decisions; where an attempt runs is the dispatcher's business.
 */
export class StepTask {
  readonly host: TaskHost;
  readonly index: number;
  readonly step: StepDefinition;
  readonly startedAt: number;
  attempt = 1;
  iteration = 1;
  previous: unknown;
  input: unknown;
  /** Which dispatch is current: a settle of any other is ignored (stale, or a duplicate). */
  key = 0;
  done = false;
  usage: Usage | undefined;
  cost: CostBreakdown | undefined;
  model: string | undefined;
  #controller: AbortController | undefined;
  #unlink: (() => void) | undefined;
  /** An attempt whose time ran out, waiting for it to settle (and be billed). */
  #timedOut: { key: number; error: TimeoutError } | undefined;
  /** Whether an attempt was dispatched and has not settled. */
  #inFlight = false;

  /** `startedAt`: when the scheduler started the step (its first attempt's `step-start`). */
  constructor(host: TaskHost, index: number, step: StepDefinition, startedAt: number) {
    this.host = host;
    this.index = index;
    this.step = step;
    this.startedAt = startedAt;
  }

  /** Logs the attempt's start, then dispatches it once the log has it. */
  begin(): void {
    const { host, step } = this;
    const options = step.options;
    if (this.attempt === 1) {
      if (options.input) {
        try {
          this.input = options.input({
            input: host.input,
            results: host.results,
            iteration: this.iteration,
            previous: this.previous,
          });
        } catch (error) {
          this.done = true;
          host.ended(this, failedWithoutSpend(error));
          return;
        }
      } else if (this.iteration === 1) {
        this.input = defaultInput(step, host.input);
      }
    }
    const at = this.attempt === 1 && this.iteration === 1 ? this.startedAt : host.clock.now();
    const event: LoggedEvent = {
      type: "step-start",
      at,
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: step.id,
      attempt: this.attempt,
    };
    if (options.loop) event.iteration = this.iteration;
    if (step.kind !== "function") event.input = redactEventField(this.input);
    host.recordRedacted(event);
    this.key++;
    host.after(this);
  }

  /** Dispatches the attempt that `begin` logged (called by the journal once the log has it). */
  runEffect(): void {
    const key = this.key;
    // A run that is ending starts no attempt (it waits only for those already out).
    if (this.done || this.host.aborted) return;
    const timeout = this.step.options.timeout;
    // Agent and sub-workflow attempts get a signal of their own: a tool call that waits for
    // approval stops the attempt without cancelling the run.
    const signal =
      timeout !== undefined || this.step.kind !== "function"
        ? this.#armAttempt(key, timeout)
        : this.host.signal;
    // Only a resumed run, or one whose step a tool approval stopped, has work to replay.
    const recorded = this.host.mayReplay ? this.recorded() : noEvents;
    const attempt = new AttemptContext(this, key, signal, recorded);
    this.#inFlight = true;
    this.host.dispatcher.dispatch(attempt, attempt);
  }

  /**
   * What runs of the current attempt logged of their work so far (before a crash, a wait
   * or a tool approval stopped them): a new run replays it. Empty for a fresh attempt.
   */
  recorded(): readonly LoggedEvent[] {
    const work =
      this.host.state.running[this.step.id]?.work[attemptKey(this.iteration, this.attempt)];
    return work && work.length > 0 ? work.slice() : noEvents;
  }

  /** Whether an attempt is out (dispatched, not settled): its spend is still to come. */
  get inFlight(): boolean {
    return this.#inFlight && !this.done;
  }

  /** Whether `key` is the attempt in flight. */
  isCurrent(key: number): boolean {
    return !this.done && key === this.key;
  }

  /** Stops this task for good: later settlements and timers are ignored. */
  abandon(): void {
    this.done = true;
    this.#endAttempt();
  }

  /**
   * What the step sets for the runnables it runs. A function step's own `retry` and
   * `timeout` are the engine's policy for the function, so what it runs (`context.run`)
   * gets only the run's defaults.
   */
  overrides(): RunOverrides {
    const { host, step } = this;
    const own = step.kind === "function" ? {} : step.options;
    const overrides: RunOverrides = {};
    const givenRetry = own.retry ?? host.stepDefaults.retry;
    if (givenRetry !== undefined) {
      overrides.retry = typeof givenRetry === "number" ? { maxAttempts: givenRetry } : givenRetry;
    }
    if (own.timeout !== undefined) overrides.timeout = own.timeout;
    const fallbacks = own.fallbackModels ?? host.stepDefaults.fallbackModels;
    if (fallbacks !== undefined) overrides.fallbackModels = fallbacks;
    if (host.stepDefaults.cache !== undefined) overrides.cache = host.stepDefaults.cache;
    return overrides;
  }

  /**
   * Logs that a tool call of attempt `key` waits for approval and stops the attempt; the
   * step stays in flight. Returns false (logging nothing) for an attempt no longer current.
   */
  requestApproval(
    key: number,
    request: { toolCallId: string; tool: string; input: unknown; message?: string },
  ): boolean {
    if (!this.isCurrent(key)) return false;
    const { host, step } = this;
    const event: LoggedEvent = {
      type: "approval-request",
      at: host.clock.now(),
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: step.id,
      toolCallId: request.toolCallId,
      tool: request.tool,
      input: request.input,
    };
    if (request.message !== undefined) event.message = request.message;
    host.record(event);
    this.#controller?.abort(new Error(`Tool "${request.tool}" waits for approval`));
    return true;
  }

  /** How attempt `key` ended; a stale or duplicate settle is ignored. */
  settle(key: number, outcome: Outcome): void {
    if (!this.isCurrent(key)) return;
    this.#inFlight = false;
    if (this.host.aborted) {
      // The run is ending: only what the attempt spent matters (it goes on the step's
      // step-error when the run logs the step as cancelled).
      this.#bill(outcome);
      this.key++;
      return;
    }
    if (outcome.status === "succeeded") this.#succeeded(key, outcome);
    else this.#failed(key, outcome);
  }

  #armAttempt(key: number, timeout: number | undefined): AbortSignal {
    const { host } = this;
    const controller = new AbortController();
    const onRunAbort = () => controller.abort(host.signal.reason);
    if (host.signal.aborted) controller.abort(host.signal.reason);
    else host.signal.addEventListener("abort", onRunAbort, { once: true });
    this.#controller = controller;
    this.#unlink = () => host.signal.removeEventListener("abort", onRunAbort);
    if (timeout === undefined) return controller.signal;
    host.clock.sleep(timeout, { signal: controller.signal }).then(() => {
      if (!this.isCurrent(key)) return;
      const error = new TimeoutError(`Step "${this.step.id}" timed out after ${timeout} ms`, {
        timeoutMs: timeout,
      });
      controller.abort(error);
      // Work that honours the abort settles within a few event-loop turns, with what it
      // spent: wait that long, so the timed-out attempt is billed, then fail it whether or
      // not it settled.
      this.#timedOut = { key, error };
      turnsUntil(() => !this.isCurrent(key), stepAbortTurns).then(() =>
        this.settle(key, failedWithoutSpend(error)),
      );
    }, noop);
    return controller.signal;
  }

  #endAttempt(): void {
    const controller = this.#controller;
    if (controller) {
      this.#controller = undefined;
      this.#unlink?.();
      if (!controller.signal.aborted) controller.abort();
    }
  }

  #succeeded(key: number, outcome: Extract<Outcome, { status: "succeeded" }>): void {
    this.#bill(outcome);
    if (outcome.model !== undefined) this.model = outcome.model;
    if (this.#timedOut?.key === key) {
      // It finished after its time was up: billed, but the step still timed out.
      this.#failed(key, failedWithoutSpend(this.#timedOut.error));
      return;
    }
    this.#endAttempt();
    const value = outcome.output;
    const loop = this.step.options.loop;
    if (loop) {
      let finished: boolean;
      try {
        finished =
          loop.until({ output: value, iteration: this.iteration, results: this.host.results }) ===
            true || this.iteration >= loop.maxIterations;
      } catch (error) {
        this.done = true;
        this.host.ended(this, failedWithoutSpend(error));
        return;
      }
      if (!finished) {
        this.iteration++;
        this.attempt = 1;
        this.previous = value;
        this.begin();
        return;
      }
    }
    this.done = true;
    this.host.succeeded(this, value);
  }

  #failed(key: number, outcome: Exclude<Outcome, { status: "succeeded" }>): void {
    this.#endAttempt();
    this.#bill(outcome);
    const timedOut = this.#timedOut?.key === key ? this.#timedOut : undefined;
    this.#timedOut = undefined;
    if (outcome.status === "waiting" && !timedOut) {
      this.done = true;
      this.host.ended(this, outcome);
      return;
    }
    // However the work reported its abort, the step failed by timing out.
    const error = timedOut ? timedOut.error : (outcome as { error: Error }).error;
    const next = ++this.key;
    const delayMs = this.#retryDelay(error, timedOut !== undefined);
    if (delayMs === undefined) {
      this.done = true;
      this.host.ended(this, failedWithoutSpend(error));
      return;
    }
    const { host, step } = this;
    host.record({
      type: "step-error",
      at: host.clock.now(),
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: step.id,
      error: serializeError(error),
      attempt: this.attempt,
      willRetry: true,
      ...this.takeSpend(),
    });
    this.attempt++;
    host.record({
      type: "step-retry",
      at: host.clock.now(),
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: step.id,
      attempt: this.attempt,
      delayMs,
    });
    host.clock.sleep(delayMs, { signal: host.signal }).then(() => {
      if (!this.done && next === this.key) this.begin();
    }, noop);
  }

  /** The delay before retrying after `error`, or undefined when the step must not retry. */
  #retryDelay(error: unknown, timedOut: boolean): number | undefined {
    const { host, step } = this;
    if (host.aborted || host.holding) return undefined;
    // An agent or sub-workflow step is retried by the engine only after its own time limit
    // cut an attempt short, and only when the step sets a retry policy.
    if (step.kind !== "function" && !(timedOut && step.retry)) return undefined;
    const options = step.retry ?? host.defaultRetry;
    if (this.attempt >= options.maxAttempts || !options.retryOn(error)) return undefined;
    const retryAfterMs = retryAfterOf(error, host.clock.now());
    return retryDelay(this.attempt, options, {
      random: host.random,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  /** Adds what an attempt spent to this step's record (its next step-end or step-error). */
  #bill(outcome: Outcome): void {
    const { usage, cost } = outcome;
    if (usage !== noUsage && typeof usage?.totalTokens === "number") {
      this.usage = this.usage ? addUsage(this.usage, usage) : usage;
    }
    if (cost !== noCost && cost && typeof cost === "object" && "totalCents" in cost) {
      this.cost = this.cost ? addCost(this.cost, cost) : cost;
    }
  }

  /** Takes the spend gathered since the last call (for the next step-end or step-error). */
  takeSpend(): { usage?: Usage; cost?: CostBreakdown } {
    const spend: { usage?: Usage; cost?: CostBreakdown } = {};
    if (this.usage) spend.usage = this.usage;
    if (this.cost) spend.cost = this.cost;
    this.usage = undefined;
    this.cost = undefined;
    return spend;
  }
}
