import { TimeoutError } from "../errors/timeout-error.js";
import { serializeError } from "../events.js";
import type { ModelCallGate } from "../model-call-gate.js";
import { findBudgetExceeded } from "../policies/budget-exceeded-error.js";
import type { Clock } from "../ports/clock.js";
import type { LoggedEvent } from "../ports/run-store.js";
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  retryAfterOf,
  retryDelay,
} from "../retry-policy.js";
import type { Runnable, RunnableEvent, RunnableOptions } from "../runnable.js";
import { type Spend, spendOf } from "../spend.js";
import { addCost, addUsage, type CostBreakdown, type Usage } from "../usage.js";
import type { StepDefinition, StepFunction, StepResults } from "../workflow/step-options.js";
import { defaultInput } from "./default-input.js";
import type { RunState } from "./fold-run-log.js";
import { FunctionStepContext } from "./function-step-context.js";
import { redactEventField } from "./redact-secrets.js";
import type { JournalEffect } from "./run-journal.js";
import { ApprovalPendingError, stepScopes } from "./step-scope.js";
import { TaskStepScope } from "./task-step-scope.js";

/** What a running step needs from its run. */
export interface TaskHost {
  readonly runId: string;
  /** The run's state so far (approvals decided, steps ended). */
  readonly state: RunState;
  readonly parentRunId: string | undefined;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly input: unknown;
  readonly results: StepResults;
  readonly gate: ModelCallGate;
  /** The run's gate, naming `stepId` as the caller in the gate's events. */
  gateFor(stepId: string): ModelCallGate;
  readonly stepDefaults: { retry?: RetryOptions | number; fallbackModels?: readonly string[] };
  /** The retry policy of function steps without their own. */
  readonly defaultRetry: ResolvedRetryOptions;
  record(event: LoggedEvent): void;
  /** `record` for an event whose fields the engine made or redacted (`redactEventField`). */
  recordRedacted(event: LoggedEvent): void;
  after(effect: JournalEffect): void;
  emitFrom(task: StepTask, event: RunnableEvent): void;
  /** Makes `emit` recognisable to a sub-workflow as this run's. */
  link(emit: (event: RunnableEvent) => void): void;
  succeeded(task: StepTask, output: unknown): void;
  failed(task: StepTask, error: unknown): void;
}

const noop = () => {};

/** One execution of one step: its attempts, loop iterations, timeouts and spend. */
export class StepTask {
  readonly host: TaskHost;
  readonly index: number;
  readonly step: StepDefinition;
  readonly startedAt: number;
  attempt = 1;
  iteration = 1;
  previous: unknown;
  input: unknown;
  /** Counts invocations, so a late settlement of a timed-out attempt is ignored. */
  invocation = 0;
  done = false;
  /** Set when a tool call of the attempt asked for approval: the attempt stops and the step waits. */
  awaitingApproval = false;
  usage: Usage | undefined;
  cost: CostBreakdown | undefined;
  model: string | undefined;
  #controller: AbortController | undefined;
  #unlink: (() => void) | undefined;
  #emit: ((event: RunnableEvent) => void) | undefined;
  #childEmit: ((event: RunnableEvent) => void) | undefined;
  /** A runnable's attempt whose time ran out, waiting one turn for it to settle (billed). */
  #timedOut: { invocation: number; error: TimeoutError } | undefined;
  /** Settlement handlers reused across attempts (an attempt can only go stale with a timeout). */
  #onValue: ((value: unknown) => void) | undefined;
  #onError: ((error: unknown) => void) | undefined;

  constructor(host: TaskHost, index: number, step: StepDefinition) {
    this.host = host;
    this.index = index;
    this.step = step;
    this.startedAt = host.clock.now();
  }

  get emit(): (event: RunnableEvent) => void {
    if (!this.#emit) {
      this.#emit = (event) => this.host.emitFrom(this, event);
      if (this.step.kind === "workflow") this.host.link(this.#emit);
    }
    return this.#emit;
  }

  /**
   * An emit for a workflow a function step runs (`context.run`): linked to this run, so
   * the child logs its run in this run's store and its events reach this run's stream.
   */
  get childEmit(): (event: RunnableEvent) => void {
    if (this.step.kind === "workflow") return this.emit;
    if (!this.#childEmit) {
      this.#childEmit = (event) => this.host.emitFrom(this, event);
      this.host.link(this.#childEmit);
    }
    return this.#childEmit;
  }

  /** Logs the attempt's start, then runs it once the log has it. */
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
          host.failed(this, error);
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
    this.invocation++;
    host.after(this);
  }

  /** Runs the attempt that `begin` logged (called by the journal once the log has it). */
  runEffect(): void {
    this.#invoke(this.invocation);
  }

  /** Stops this task for good: later settlements and timers are ignored. */
  abandon(): void {
    this.done = true;
    this.#endAttempt();
  }

  #invoke(invocation: number): void {
    if (this.done || invocation !== this.invocation) return;
    const { host, step } = this;
    const timeout = step.options.timeout;
    let signal = host.signal;
    // An agent step's attempt has a signal of its own: a tool call that waits for
    // approval stops the attempt without cancelling the run.
    if (timeout !== undefined || step.kind === "agent") {
      signal = this.#armAttempt(invocation, timeout);
    }
    let pending: unknown;
    try {
      if (step.kind === "function") {
        pending = (step.run as StepFunction)(new FunctionStepContext(this, signal));
      } else if (step.kind === "agent") {
        const options = this.#runnableOptions(signal);
        pending = stepScopes.run(new TaskStepScope(this, invocation), () =>
          (step.run as Runnable<unknown>).run(this.input, options),
        );
      } else {
        pending = (step.run as Runnable<unknown>).run(this.input, this.#runnableOptions(signal));
      }
    } catch (error) {
      this.#settleFailure(invocation, error);
      return;
    }
    if (pending !== null && typeof (pending as PromiseLike<unknown>)?.then === "function") {
      if (timeout === undefined) {
        this.#onValue ??= (value) => this.#settleSuccess(this.invocation, value);
        this.#onError ??= (error) => this.#settleFailure(this.invocation, error);
        (pending as PromiseLike<unknown>).then(this.#onValue, this.#onError);
      } else {
        (pending as PromiseLike<unknown>).then(
          (value) => this.#settleSuccess(invocation, value),
          (error) => this.#settleFailure(invocation, error),
        );
      }
    } else {
      this.#settleSuccess(invocation, pending);
    }
  }

  #runnableOptions(signal: AbortSignal): RunnableOptions {
    const { host, step } = this;
    const { retry, timeout, fallbackModels } = step.options;
    const options: RunnableOptions = {
      signal,
      gate: host.gateFor(step.id),
      emit: this.emit,
      clock: host.clock,
      runId: host.runId,
      stepId: step.id,
    };
    const givenRetry = retry ?? host.stepDefaults.retry;
    if (givenRetry !== undefined) {
      options.retry = typeof givenRetry === "number" ? { maxAttempts: givenRetry } : givenRetry;
    }
    if (timeout !== undefined) options.timeout = timeout;
    const fallbacks = fallbackModels ?? host.stepDefaults.fallbackModels;
    if (fallbacks !== undefined) options.fallbackModels = fallbacks;
    return options;
  }

  /**
   * Logs that a tool call of this attempt waits for approval and stops the attempt; the
   * step stays in flight. Returns the error the tool throws.
   */
  requestApproval(
    invocation: number,
    request: { toolCallId: string; tool: string; input: unknown; message?: string },
  ): ApprovalPendingError {
    const { host, step } = this;
    const error = new ApprovalPendingError({
      stepId: step.id,
      toolCallId: request.toolCallId,
      tool: request.tool,
    });
    if (this.done || invocation !== this.invocation) return error;
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
    this.awaitingApproval = true;
    this.#controller?.abort(error);
    return error;
  }

  #armAttempt(invocation: number, timeout: number | undefined): AbortSignal {
    const { host } = this;
    const controller = new AbortController();
    const onRunAbort = () => controller.abort(host.signal.reason);
    if (host.signal.aborted) controller.abort(host.signal.reason);
    else host.signal.addEventListener("abort", onRunAbort, { once: true });
    this.#controller = controller;
    this.#unlink = () => host.signal.removeEventListener("abort", onRunAbort);
    if (timeout === undefined) return controller.signal;
    host.clock.sleep(timeout, { signal: controller.signal }).then(() => {
      if (this.done || invocation !== this.invocation) return;
      const error = new TimeoutError(`Step "${this.step.id}" timed out after ${timeout} ms`, {
        timeoutMs: timeout,
      });
      controller.abort(error);
      if (this.step.kind === "function") {
        this.#settleFailure(invocation, error);
        return;
      }
      // An agent or sub-workflow that honours the abort settles within a few promise turns,
      // with what it spent on its error: wait that long (one event-loop turn), so the
      // timed-out attempt is billed, then fail the step whether or not it settled.
      this.#timedOut = { invocation, error };
      setImmediate(() => this.#settleFailure(invocation, error));
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

  #settleSuccess(invocation: number, value: unknown): void {
    if (this.done || invocation !== this.invocation) return;
    const timedOut = this.#timedOut;
    if (timedOut?.invocation === invocation) {
      // It finished after its time was up: billed, but the step still timed out.
      this.#billResult(value);
      this.#settleFailure(invocation, timedOut.error);
      return;
    }
    this.#endAttempt();
    if (this.step.kind !== "function") this.#billResult(value);
    const loop = this.step.options.loop;
    if (loop) {
      let finished: boolean;
      try {
        finished =
          loop.until({ output: value, iteration: this.iteration, results: this.host.results }) ===
            true || this.iteration >= loop.maxIterations;
      } catch (error) {
        this.done = true;
        this.host.failed(this, error);
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

  #settleFailure(invocation: number, error: unknown): void {
    if (this.done || invocation !== this.invocation) return;
    this.#endAttempt();
    // A function step is billed by what it ran through `context.run`, never by its error.
    if (this.step.kind !== "function") this.addSpend(spendOf(error));
    const timedOut = this.#timedOut;
    if (timedOut !== undefined) {
      this.#timedOut = undefined;
      // However the runnable reported its abort, the step failed by timing out.
      if (timedOut.invocation === invocation) error = timedOut.error;
    }
    const next = ++this.invocation;
    const delayMs = this.#retryDelay(error);
    if (delayMs === undefined) {
      this.done = true;
      this.host.failed(this, error);
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
      if (!this.done && next === this.invocation) this.begin();
    }, noop);
  }

  /** The delay before retrying after `error`, or undefined when the step must not retry. */
  #retryDelay(error: unknown): number | undefined {
    if (this.step.kind !== "function" || this.host.signal.aborted) return undefined;
    if (findBudgetExceeded(error)) return undefined;
    const options = this.step.retry ?? this.host.defaultRetry;
    if (this.attempt >= options.maxAttempts || !options.retryOn(error)) return undefined;
    const retryAfterMs = retryAfterOf(error);
    return retryDelay(this.attempt, options, retryAfterMs !== undefined ? { retryAfterMs } : {});
  }

  /** Adds the usage, cost and answering model a runnable's result reports. */
  #billResult(value: unknown): void {
    if (typeof value !== "object" || value === null) return;
    this.addSpend(value as Partial<Spend>);
    const { model } = value as { model?: unknown };
    if (typeof model === "string") this.model = model;
  }

  /** Adds spend to this step's record (its next step-end or step-error). */
  addSpend(spend: Partial<Spend> | undefined): void {
    if (!spend) return;
    const { usage, cost } = spend;
    if (usage && typeof usage.totalTokens === "number") {
      this.usage = this.usage ? addUsage(this.usage, usage) : usage;
    }
    if (cost && typeof cost === "object" && "totalCents" in cost) {
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
