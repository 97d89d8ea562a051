import type { BatonEvent } from "../events.js";
import type { ModelCallGate } from "../model-call-gate.js";
import type { Outcome } from "../outcome.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { LoggedEvent, RunStore } from "../ports/run-store.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import type { AttemptHost, StepAttempt } from "../ports/step-dispatcher.js";
import type { ParentLink, RunContext, RunOverrides, ToolApprovals } from "../run-context.js";
import type { RunnableEvent } from "../runnable.js";
import type { StepResults } from "../workflow/step-options.js";
import { childRunIdOf } from "./child-run-id.js";
import { executeStep } from "./execute-step.js";
import type { ToolApprovalRecord } from "./fold-run-log.js";
import type { StepTask } from "./step-task.js";

/**
 * One dispatched attempt of a step, on the owner's side. It is at once the attempt handed
 * to the dispatcher (`StepAttempt`), the owner's end of it (`AttemptHost`: where it
 * settles), and the run context the step runs with in this process (`RunContext`): one
 * object per attempt, since a big workflow starts many.
 */
export class AttemptContext implements StepAttempt, AttemptHost, RunContext, ToolApprovals {
  readonly key: number;
  readonly attempt: number;
  readonly iteration: number;
  readonly input: unknown;
  readonly previous: unknown;
  readonly signal: AbortSignal;
  readonly recorded: readonly LoggedEvent[];
  readonly #task: StepTask;
  #gate: ModelCallGate | undefined;
  #overrides: RunOverrides | undefined;
  #pending = false;
  #consumed: Set<ToolApprovalRecord> | undefined;

  constructor(task: StepTask, key: number, signal: AbortSignal, recorded: readonly LoggedEvent[]) {
    this.#task = task;
    this.recorded = recorded;
    this.key = key;
    this.attempt = task.attempt;
    this.iteration = task.iteration;
    this.input = task.input;
    this.previous = task.previous;
    this.signal = signal;
  }

  get runId(): string {
    return this.#task.host.runId;
  }

  get stepId(): string {
    return this.#task.step.id;
  }

  get workflow(): string {
    return this.#task.host.workflow;
  }

  get kind(): StepAttempt["kind"] {
    return this.#task.step.kind;
  }

  get parentRunId(): string | undefined {
    return this.#task.host.parentRunId;
  }

  get parent(): ParentLink | undefined {
    return this.#task.host.parent;
  }

  /** The step's own runnable: the root of the attempt's work paths. */
  get path(): string {
    return "";
  }

  childRunId(): string {
    return childRunIdOf({
      runId: this.runId,
      stepId: this.stepId,
      iteration: this.iteration,
      attempt: this.attempt,
      path: "",
    });
  }

  /** All results so far: a superset of the ancestors' (nothing is copied in this process). */
  get results(): StepResults {
    return this.#task.host.results;
  }

  get ancestors(): readonly string[] {
    return this.#task.host.ancestorsOf(this.#task.index);
  }

  get toolApprovals(): readonly ToolApprovalRecord[] {
    return this.#task.host.state.toolApprovals[this.stepId] ?? [];
  }

  get context(): RunContext {
    return this;
  }

  get store(): RunStore {
    return this.#task.host.store;
  }

  get ids(): IdGenerator {
    return this.#task.host.ids;
  }

  get clock(): Clock {
    return this.#task.host.clock;
  }

  get random(): () => number {
    return this.#task.host.random;
  }

  get telemetry(): RunTelemetry | undefined {
    return this.#task.host.telemetry;
  }

  get gate(): ModelCallGate {
    this.#gate ??= this.#task.host.gateFor(this.stepId);
    return this.#gate;
  }

  get overrides(): RunOverrides {
    this.#overrides ??= this.#task.overrides();
    return this.#overrides;
  }

  get approvals(): ToolApprovals {
    return this;
  }

  get records(): readonly ToolApprovalRecord[] {
    return this.toolApprovals;
  }

  get pending(): boolean {
    return this.#pending;
  }

  emit(event: RunnableEvent): void {
    this.#task.host.emitFrom(this.stepId, event);
  }

  relay(event: BatonEvent): void {
    this.#task.host.publish(event);
  }

  stored(): Promise<void> {
    return new Promise((resolve) => this.#task.host.after(resolve));
  }

  request(request: { toolCallId: string; tool: string; input: unknown; message?: string }): void {
    if (this.#task.requestApproval(this.key, request)) this.#pending = true;
  }

  consume(record: ToolApprovalRecord): boolean {
    this.#consumed ??= new Set();
    if (this.#consumed.has(record)) return false;
    this.#consumed.add(record);
    return true;
  }

  recordOutput(toolCallId: string, output: unknown): void {
    if (!this.#task.isCurrent(this.key)) return;
    this.emit({ type: "approval-output", toolCallId, output });
  }

  run(): Outcome | Promise<Outcome> {
    return executeStep(this.#task.step, this, this);
  }

  logged(): readonly LoggedEvent[] {
    return this.#task.isCurrent(this.key) ? this.#task.recorded() : [];
  }

  settle(outcome: Outcome): void {
    this.#task.settle(this.key, outcome);
  }
}
