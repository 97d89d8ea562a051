import { stepAbortTurns, turnsUntil } from "../abort-grace.js";
import { BatonError } from "../errors/baton-error.js";
import { CancelledError } from "../errors/cancelled-error.js";
import { type BatonEvent, serializeError } from "../events.js";
import type { ModelCallGate, ModelCallPermit, ModelCallRequest } from "../model-call-gate.js";
import type { Outcome } from "../outcome.js";
import type { BudgetExceededError } from "../policies/budget-exceeded-error.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { LoggedEvent, RunStore } from "../ports/run-store.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import type { StepDispatcher } from "../ports/step-dispatcher.js";
import type { ResolvedRetryOptions } from "../retry-policy.js";
import type { ParentLink } from "../run-context.js";
import type { RunnableEvent } from "../runnable.js";
import type { StepResults } from "../workflow/step-options.js";
import { createRunRecord } from "./create-run-record.js";
import { cutShortCalls } from "./cut-short-calls.js";
import { EventStream } from "./event-stream.js";
import { type ExecutionOptions, gatherThreshold } from "./execution-options.js";
import { copyRunState, emptyRunState, pendingStep, type RunState } from "./fold-run-log.js";
import { ProgressCounter } from "./progress-counter.js";
import { redactSecrets } from "./redact-secrets.js";
import { resultOfState } from "./result-of-state.js";
import {
  type ApprovalDecision,
  checkDecision,
  decisionEvent,
  type Run,
  type WorkflowResult,
} from "./run.js";
import { type JournalEffect, RunJournal } from "./run-journal.js";
import { spentSoFar } from "./spent-so-far.js";
import { StepScheduler } from "./step-scheduler.js";
import type { StepTask, TaskHost } from "./step-task.js";

/**
 * One run of a workflow: the log (`RunJournal`), the state folded from it, the
 * scheduler, and the run's lifecycle (start, cancel, fail fast, wait, end).
 */
export class Execution implements TaskHost {
  readonly runId: string;
  readonly workflow: string;
  readonly parentRunId: string | undefined;
  readonly parent: ParentLink | undefined;
  readonly store: RunStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly random: () => number;
  readonly dispatcher: StepDispatcher;
  readonly input: unknown;
  readonly results: StepResults = {};
  readonly gate: ModelCallGate;
  readonly defaultRetry: ResolvedRetryOptions;
  readonly stepDefaults: ExecutionOptions["stepDefaults"];
  readonly state: RunState;
  readonly run: Run;
  /** Until the telemetry declines the run (see `RunTelemetry.observe`). */
  #telemetry: RunTelemetry | undefined;
  readonly #options: ExecutionOptions;
  readonly #controller = new AbortController();
  /** Aborted when the run ends early (cancelled, failed fast, stopped by a budget). */
  readonly signal = this.#controller.signal;
  #aborted = false;
  readonly #stream = new EventStream<BatonEvent>();
  readonly #journal: RunJournal;
  readonly #scheduler: StepScheduler;
  readonly #progress: ProgressCounter;
  /** Which step made each model call request, so gate events name the step. */
  readonly #callers = new WeakMap<ModelCallRequest, string>();
  #resolve!: (result: WorkflowResult) => void;
  /** Set once the run is over (or ending): "failed", "cancelled", "waiting", "succeeded". */
  #ending: WorkflowResult["status"] | undefined;
  #settled = false;
  /** The final events are recorded: nothing more goes in the log. */
  #closed = false;
  #error: Error | undefined;
  /** Set by a budget pause: no new step starts, the run ends as waiting. */
  #paused = false;
  #pauseError: Error | undefined;
  /** Set by a budget stop: no new step starts, the run fails. */
  #stopError: Error | undefined;
  /** See `mayReplay`. */
  #mayReplay: boolean;
  /** Set when a sub-workflow step ended waiting: why, and its error. */
  #waitReason: string | undefined;
  #waitError: Error | undefined;

  constructor(options: ExecutionOptions) {
    this.#options = options;
    this.runId = options.runId;
    this.workflow = options.graph.name;
    this.parentRunId = options.parent?.runId;
    this.parent = options.parent;
    this.store = options.store;
    this.ids = options.ids;
    this.clock = options.clock;
    this.random = options.random;
    this.dispatcher = options.dispatcher;
    this.input = options.resumeFrom ? options.resumeFrom.input : options.input;
    this.defaultRetry = options.defaultRetry;
    this.stepDefaults = options.stepDefaults;
    this.#telemetry = options.telemetry;
    this.#mayReplay = options.resumeFrom !== undefined;
    this.state = options.resumeFrom
      ? { ...copyRunState(options.resumeFrom), runId: options.runId }
      : emptyRunState(options.runId);
    this.#progress = new ProgressCounter(this.state, options.graph.ids.length);
    this.gate = options.gate({
      onEvent: (event, request) => this.#emit(event, this.#callers.get(request)),
      onBudgetExceeded: (error) => this.#budgetExceeded(error),
      ...(options.resumeFrom ? { spent: spentSoFar(options.resumeFrom, options.graph) } : {}),
    });
    this.#scheduler = new StepScheduler(this, options.graph, {
      concurrency: options.concurrency,
      failureMode: options.failureMode,
    });
    this.#journal = new RunJournal({
      store: options.store,
      runId: options.runId,
      ready: createRunRecord(options.store, {
        id: this.runId,
        workflow: options.graph.name,
        parentId: this.parentRunId,
        input: this.input,
        now: this.clock.now(),
        resumed: options.resumeFrom !== undefined,
        ...options.record,
      }),
      onStored: (events) => {
        for (const event of events) this.publish(event as unknown as BatonEvent);
      },
      onError: (error) => this.#storeFailed(error),
      gather: () => this.#scheduler.running >= gatherThreshold,
    });
    const result = new Promise<WorkflowResult>((resolve) => {
      this.#resolve = resolve;
    });
    this.run = {
      id: options.runId,
      events: this.#stream,
      result,
      cancel: (reason?: string) => this.cancel(reason),
      decide: (decision: ApprovalDecision, options?: { logged?: boolean }) =>
        this.decide(decision, options),
    };
  }

  /** Whether `signal` is aborted: a field of its own, as every step's attempt asks. */
  get aborted(): boolean {
    return this.#aborted;
  }

  #abortSignal(reason: unknown): void {
    this.#aborted = true;
    this.#controller.abort(reason);
  }

  /**
   * Whether a step that starts may find work its attempt logged already (`RunState.running`),
   * to pick up: only once the run resumed or a tool call's approval stopped a step. Until
   * then no step has any, and a big run's steps start without looking (W1).
   */
  get mayReplay(): boolean {
    return this.#mayReplay;
  }

  /** Logs the run's start and starts its first steps. */
  start(external: AbortSignal | undefined): void {
    const { graph, resumeFrom } = this.#options;
    const at = this.clock.now();
    if (resumeFrom) {
      for (const id of graph.ids) this.state.steps[id] ??= pendingStep(id);
      this.record({ type: "run-resume", at, runId: this.runId, parentRunId: this.parentRunId });
      // Calls the last process left without a reply were cut short when it stopped.
      for (const event of cutShortCalls(this.state, at)) this.record(event);
    } else {
      this.record({
        type: "run-start",
        at,
        runId: this.runId,
        parentRunId: this.parentRunId,
        workflow: graph.name,
        input: this.input,
        steps: graph.ids,
        ...(this.parent?.stepId ? { parentStepId: this.parent.stepId } : {}),
      });
    }
    this.record({
      type: "workflow-start",
      at,
      runId: this.runId,
      parentRunId: this.parentRunId,
      workflow: graph.name,
    });
    if (external) {
      if (external.aborted) {
        this.cancel(reasonText(external.reason), external.reason);
        return;
      }
      const onAbort = () => this.cancel(reasonText(external.reason), external.reason);
      external.addEventListener("abort", onAbort, { once: true });
      this.run.result.then(() => external.removeEventListener("abort", onAbort));
    }
    this.#scheduler.begin(resumeFrom);
  }

  /** Logs an event (secrets redacted) and applies it to the run's state. */
  record(event: LoggedEvent): void {
    if (this.#closed) return;
    const clean = this.#progress.apply(this.state, redactSecrets(event));
    if (this.#telemetry) this.#observe(this.#telemetry, clean);
    this.#journal.record(clean);
  }

  /**
   * Logs an event the engine built from already-redacted values (see `redactEventField`)
   * and applies it to the run's state: `record` without the search for secrets.
   */
  recordRedacted(event: LoggedEvent): void {
    if (this.#closed) return;
    const applied = this.#progress.apply(this.state, event);
    if (this.#telemetry) this.#observe(this.#telemetry, applied);
    this.#journal.record(applied);
  }

  /** What traces the run (its steps and child runs ask here); none once it declined the run. */
  get telemetry(): RunTelemetry | undefined {
    return this.#telemetry;
  }

  #observe(telemetry: RunTelemetry, event: LoggedEvent): void {
    // A run the telemetry does not trace (no tracer provider) costs nothing more from here on.
    if (telemetry.observe(event as unknown as BatonEvent) === false) this.#telemetry = undefined;
  }

  after(effect: JournalEffect): void {
    this.#journal.after(effect);
  }

  emitFrom(stepId: string, event: RunnableEvent): void {
    this.#emit(event, stepId);
  }

  ancestorsOf(index: number): readonly string[] {
    return this.#options.graph.ancestors(index);
  }

  /**
   * The run's gate as one step sees it: the gate's events name the step, and a budget
   * refusal (stop or pause) holds this run at once, before the refused work reports back.
   */
  gateFor(stepId: string): ModelCallGate {
    const gate = this.gate;
    const { graph } = this.#options;
    const index = graph.indexOf.get(stepId);
    // Calls wait for a model in the order steps would start: the outermost run's view wins,
    // so a sub-workflow's calls queue as urgently as the step that runs it.
    const priority = index === undefined ? 0 : graph.priority[index]!;
    const criticalPath = index === undefined ? 0 : graph.rank[index]!;
    const noteRefusal = (permit: ModelCallPermit): ModelCallPermit => {
      if (!permit.granted && permit.reason === "budget-exceeded" && permit.switchTo === undefined) {
        this.#budgetExceeded(permit.error as BudgetExceededError);
      }
      return permit;
    };
    const forStep: ModelCallGate = {
      ...(gate.reservesBudget ? { reservesBudget: true } : {}),
      acquire: (request) => {
        if (typeof request !== "object" || request === null) return gate.acquire(request);
        const stamped = { ...request, priority, criticalPath };
        this.#callers.set(stamped, stepId);
        return gate.acquire(stamped).then(noteRefusal);
      },
    };
    if (typeof gate.recordToolCost === "function") {
      forStep.recordToolCost = (report) => gate.recordToolCost?.(report);
    }
    return forStep;
  }

  /** A step's task ended well. */
  succeeded(task: StepTask, output: unknown): void {
    this.#scheduler.succeeded(task, output);
  }

  /** A step's task ended without succeeding, for good: failed, cancelled, or waiting. */
  ended(task: StepTask, outcome: Exclude<Outcome, { status: "succeeded" }>): void {
    if (outcome.status === "waiting") {
      if (outcome.reason === "tool-approval") {
        // A tool call asked for approval: the step stays in flight and waits for the decision.
        this.#mayReplay = true;
        this.#scheduler.awaitApproval(task);
        return;
      }
      // What the step ran waits (a sub-workflow's approval, a budget pause): this run
      // waits too, with the step still in flight, to run again on resume.
      if (outcome.reason === "budget-exceeded") {
        this.#paused = true;
        this.#pauseError ??= outcome.error;
      }
      this.#waitReason ??= outcome.reason;
      this.#waitError ??= outcome.error;
      this.#scheduler.interrupted(task);
      return;
    }
    if (this.#stopError) {
      // A budget said stop: the step's failure ends the run.
      this.#scheduler.stepFailed(task, outcome.error, false);
      this.abort("failed", this.#stopError);
      return;
    }
    this.#scheduler.stepFailed(task, outcome.error, true);
  }

  /** `cause`: what aborted the run's signal, kept on the error (a dispatcher may look). */
  cancel(reason?: string, cause?: unknown): void {
    const options = cause === undefined ? {} : { cause };
    this.abort("cancelled", new CancelledError(reason ?? "The run was cancelled", options));
  }

  /**
   * Logs a human decision on an approval this live run waits for, and acts on it: an
   * approved step runs, a rejected one fails, a tool call's step runs again once none of
   * its tool calls waits any more. Returns `false` (logging nothing) once the run is over.
   */
  decide(decision: ApprovalDecision, options: { logged?: boolean } = {}): boolean {
    checkDecision(decision);
    if (this.#ending !== undefined || this.#closed) return false;
    const index = this.#options.graph.indexOf.get(decision.stepId);
    if (index === undefined) {
      throw new TypeError(
        `decide: run ${this.runId} has no step "${decision.stepId}" (workflow "${this.#options.graph.name}")`,
      );
    }
    const event = decisionEvent(decision, {
      at: this.clock.now(),
      runId: this.runId,
      parentRunId: this.parentRunId,
    });
    // A decision another process logged is applied, not logged a second time.
    if (options.logged) this.#progress.apply(this.state, redactSecrets(event));
    else this.record(event);
    this.#scheduler.decided(index);
    return true;
  }

  /**
   * Ends the run: running steps are aborted and logged as cancelled, the rest skipped. Work
   * that honours the abort settles within a few event-loop turns with what it spent (a model
   * call whose reply arrived is billed, one cut short is possibly billed): the run waits for
   * its running steps that long, so what they spent stays on the books, then ends.
   */
  abort(status: "failed" | "cancelled", error: Error): void {
    if (this.#ending !== undefined) return;
    this.#ending = status;
    this.#error = error;
    this.#abortSignal(error);
    turnsUntil(() => !this.#scheduler.inFlight, stepAbortTurns).then(() => {
      if (this.#settled) return;
      this.#scheduler.abortAll();
      this.#finish(status, error);
    });
  }

  /** Whether a budget breach (pause or stop) keeps new steps from starting. */
  get holding(): boolean {
    return this.#paused || this.#stopError !== undefined;
  }

  /** Whether the run waits for a budget decision (a pause). */
  get paused(): boolean {
    return this.#paused;
  }

  /** Called by the scheduler when nothing runs and nothing more can start. */
  idle(outcome: { complete: boolean; failure: Error | undefined; waitReason: string }): void {
    if (this.#ending !== undefined) return;
    if (this.#stopError) {
      this.#ending = "failed";
      this.#error = this.#stopError;
      this.#finish("failed", this.#stopError);
      return;
    }
    if (!outcome.complete) {
      this.#ending = "waiting";
      this.#error = this.#pauseError ?? this.#waitError;
      this.#finish(
        "waiting",
        undefined,
        this.#paused ? "budget-exceeded" : (this.#waitReason ?? outcome.waitReason),
      );
      return;
    }
    if (outcome.failure) {
      this.#ending = "failed";
      this.#error = outcome.failure;
      this.#finish("failed", outcome.failure);
      return;
    }
    let output: unknown;
    try {
      output = this.#output();
    } catch (error) {
      this.#ending = "failed";
      this.#error = asError(error);
      this.#finish("failed", this.#error);
      return;
    }
    this.#ending = "succeeded";
    this.#finish("succeeded", undefined, undefined, output);
  }

  /**
   * A budget said stop or pause. No new step starts from here on; the step whose call was
   * refused fails with the error (stop) or stays in flight (pause) once its agent reports
   * it, and the run ends failed or waiting when nothing runs any more.
   */
  #budgetExceeded(error: BudgetExceededError): void {
    if (error.action === "stop") this.#stopError ??= error;
    else if (error.action === "pause") {
      this.#paused = true;
      this.#pauseError ??= error;
    }
  }

  #output(): unknown {
    const { output, graph } = this.#options;
    if (output) return output(this.results);
    const { sinks, ids } = graph;
    if (sinks.length === 1) return this.results[ids[sinks[0]!]!];
    const outputs: Record<string, unknown> = {};
    for (const sink of sinks) {
      const id = ids[sink]!;
      if (this.state.steps[id]?.status === "succeeded") outputs[id] = this.results[id];
    }
    return outputs;
  }

  #finish(
    status: WorkflowResult["status"],
    error: Error | undefined,
    waitReason?: string,
    output?: unknown,
  ): void {
    const at = this.clock.now();
    const base = { at, runId: this.runId, parentRunId: this.parentRunId };
    const workflow = this.#options.graph.name;
    if (status === "succeeded") {
      this.record({ type: "workflow-end", ...base, workflow });
      this.record({
        type: "run-end",
        ...base,
        output,
        usage: this.state.usage,
        cost: this.state.cost,
      });
    } else if (status === "waiting") {
      this.record({ type: "run-wait", ...base, reason: waitReason ?? "approval" });
    } else {
      this.record({ type: "workflow-error", ...base, workflow, error: serializeError(error) });
      if (status === "cancelled") {
        this.record({ type: "run-cancel", ...base, reason: error?.message });
      } else {
        this.record({ type: "run-error", ...base, error: serializeError(error) });
      }
    }
    this.#closed = true;
    this.#journal.close();
    this.#journal.after(() => this.#settle());
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    const { state } = this;
    const result = resultOfState(this.state, this.#error);
    const patch = {
      status: state.status,
      updatedAt: this.clock.now(),
      ...(result.status === "succeeded" ? { output: state.output } : {}),
      ...(state.error ? { error: state.error.message } : {}),
    };
    let updated: Promise<void>;
    try {
      updated = this.#options.store.updateRun(this.runId, patch);
    } catch (error) {
      updated = Promise.reject(error);
    }
    const done = () => {
      this.#stream.end();
      this.#resolve(result);
    };
    updated.then(done, done);
  }

  #storeFailed(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#closed = true;
    this.#ending ??= "failed";
    this.#abortSignal(error);
    this.#scheduler.abortAll(false);
    this.state.status = "failed";
    this.state.error = serializeError(error);
    this.#error = asError(error);
    this.#stream.end();
    this.#resolve(resultOfState(this.state, this.#error));
  }

  #emit(event: RunnableEvent, stepId: string | undefined): void {
    if (typeof event !== "object" || event === null || typeof event.type !== "string") {
      throw new TypeError(`emit: expected an event with a string type, received ${String(event)}`);
    }
    if (this.#closed) return;
    const stamped: LoggedEvent = {
      ...event,
      at: typeof event.at === "number" ? event.at : this.clock.now(),
    };
    if (event.runId === undefined) {
      stamped.runId = this.runId;
      if (this.parentRunId !== undefined) stamped.parentRunId = this.parentRunId;
    }
    if (event.stepId === undefined && stepId !== undefined) stamped.stepId = stepId;
    this.record(stamped);
  }

  /** Puts a stored event (this run's, or a child run's) on this run's stream, and its parent's. */
  publish(event: BatonEvent): void {
    this.#stream.push(event);
    this.#options.relay?.(event);
  }
}

function reasonText(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return reason instanceof Error ? reason.message : String(reason);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new BatonError(String(error), { cause: error });
}
