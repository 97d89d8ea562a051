import { BatonError } from "../errors/baton-error.js";
import { CancelledError } from "../errors/cancelled-error.js";
import { type StepSkipEvent, serializeError } from "../events.js";
import { ReadyQueue } from "../scheduler/ready-queue.js";
import type { CompiledGraph } from "../workflow/compile-graph.js";
import type { FailureMode } from "../workflow/step-options.js";
import { admitStep } from "./admit-step.js";
import type { Execution } from "./execution.js";
import { noCost, noUsage, type RunState } from "./fold-run-log.js";
import { redactEventField } from "./redact-secrets.js";
import { resolveRoute } from "./resolve-route.js";
import { StepTask } from "./step-task.js";
import { errorFromLog, untoleratedFailure } from "./untolerated-failure.js";

const IDLE = 0;
const READY = 1;
const RUNNING = 2;
const DONE = 3;
const WAITING = 4;
const INTERRUPTED = 5;
/** In flight, stopped until every tool call of the step that asked for approval is decided. */
const TOOL_WAITING = 6;

const SUCCEEDED = 0;
const FAILED = 1;
const SKIPPED = 2;

/** Where one step of the run stands. */
interface StepSlot {
  phase: number;
  /** Dependencies that have not ended. */
  pending: number;
  succeededDeps: number;
  failedDeps: number;
  skippedDeps: number;
  /** A route that ran before this step did not choose it. */
  routeSkipped: boolean;
  /** Its running task, while it runs. */
  task: StepTask | undefined;
}

/**
 * The dataflow scheduler of one run. Each step keeps a count of dependencies that have
 * not ended; the step is evaluated the moment it reaches zero (no superstep barrier).
 * Ready steps wait in a heap (priority, then critical path, then insertion order) and
 * start while fewer than `concurrency` run.
 */
export class StepScheduler {
  readonly #host: Execution;
  readonly #graph: CompiledGraph;
  readonly #concurrency: number;
  readonly #failFast: boolean;
  readonly #slots: StepSlot[];
  readonly #queue: ReadyQueue;
  /** Failed steps and their errors, in the order they failed. */
  readonly #errors = new Map<number, Error>();
  readonly #evaluate: number[] = [];
  #running = 0;
  #done = 0;
  #waiting = 0;
  #advancing = false;
  #again = false;
  /**
   * The time of the current scheduling pass (`#advance`), read once: the steps a pass
   * starts start at it, and a step's end starts its successors at the time it ended. The
   * pass is synchronous, and a clock read costs more than the rest of starting a step (W1).
   */
  #passTime: number | undefined;
  #stopped = false;

  constructor(
    host: Execution,
    graph: CompiledGraph,
    options: { concurrency: number; failureMode: FailureMode },
  ) {
    const count = graph.steps.length;
    this.#host = host;
    this.#graph = graph;
    this.#concurrency = options.concurrency;
    this.#failFast = options.failureMode === "fail-fast";
    this.#slots = new Array(count);
    this.#queue = new ReadyQueue(graph.priority, graph.rank);
    for (let index = 0; index < count; index++) {
      this.#slots[index] = {
        phase: IDLE,
        pending: graph.dependencies[index]!.length,
        succeededDeps: 0,
        failedDeps: 0,
        skippedDeps: 0,
        routeSkipped: false,
        task: undefined,
      };
    }
  }

  /** Steps running now (retry waits included). */
  get running(): number {
    return this.#running;
  }

  /** Evaluates the steps whose dependencies have all ended (after restoring a resumed state). */
  begin(resumeFrom: RunState | undefined): void {
    if (resumeFrom && this.#restore(resumeFrom)) return;
    const count = this.#graph.steps.length;
    for (let index = 0; index < count; index++) {
      const slot = this.#slots[index]!;
      if (slot.pending === 0 && slot.phase === IDLE) this.#evaluate.push(index);
    }
    this.#advance();
  }

  succeeded(task: StepTask, output: unknown): void {
    if (this.#stopped) return;
    const index = task.index;
    const { host, step } = task;
    let chosen: number[] | undefined;
    if (step.options.route) {
      try {
        chosen = resolveRoute(this.#graph, index, {
          output,
          results: host.results,
          input: host.input,
        });
      } catch (error) {
        this.stepFailed(task, error, true);
        return;
      }
    }
    const slot = this.#slots[index]!;
    slot.task = undefined;
    slot.phase = DONE;
    this.#running--;
    this.#done++;
    host.results[step.id] = output;
    const at = host.clock.now();
    if (!this.#advancing) this.#passTime = at;
    const event: Record<string, unknown> & { type: string; at: number } = {
      type: "step-end",
      at,
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: step.id,
      output: redactEventField(output),
      usage: task.usage === undefined ? noUsage : redactEventField(task.usage),
      cost: task.cost === undefined ? noCost : redactEventField(task.cost),
      durationMs: at - task.startedAt,
    };
    if (task.model !== undefined) event.model = redactEventField(task.model);
    if (chosen) event.next = redactEventField(chosen.map((next) => this.#graph.ids[next]!));
    if (step.options.loop) event.iterations = task.iteration;
    host.recordRedacted(event);
    this.#propagate(index, SUCCEEDED, chosen);
    this.#advance();
  }

  /** A step failed for good; `propagate: false` when the run is about to stop anyway. */
  stepFailed(task: StepTask, error: unknown, propagate: boolean): void {
    if (this.#stopped) return;
    this.#slots[task.index]!.task = undefined;
    this.#running--;
    this.#fail(task.index, error, task.attempt, task.takeSpend(), propagate);
  }

  /** A step cut short by a pause: left in flight, to run again on resume. */
  interrupted(task: StepTask): void {
    if (this.#stopped) return;
    const slot = this.#slots[task.index]!;
    slot.task = undefined;
    slot.phase = INTERRUPTED;
    this.#running--;
    this.#advance();
  }

  /** A tool call of the step asked for approval: the step stays in flight until it is decided. */
  awaitApproval(task: StepTask): void {
    if (this.#stopped) return;
    const index = task.index;
    const slot = this.#slots[index]!;
    slot.task = undefined;
    slot.phase = TOOL_WAITING;
    this.#running--;
    this.#waiting++;
    // Decided while the attempt was stopping: run the step again at once.
    if (!this.#hasUndecidedToolCalls(task.step.id)) this.#requeue(index);
    this.#advance();
  }

  /** A decision was logged for step `index`: an approved or rejected step moves on. */
  decided(index: number): void {
    if (this.#stopped) return;
    const slot = this.#slots[index]!;
    const phase = slot.phase;
    const id = this.#graph.ids[index]!;
    if (phase === WAITING && this.#host.state.approvals[id]) {
      slot.phase = IDLE;
      this.#waiting--;
      this.#evaluate.push(index);
      this.#advance();
    } else if (phase === TOOL_WAITING && !this.#hasUndecidedToolCalls(id)) {
      this.#requeue(index);
      this.#advance();
    }
  }

  #requeue(index: number): void {
    this.#slots[index]!.phase = READY;
    this.#waiting--;
    this.#queue.push(index);
  }

  #hasUndecidedToolCalls(stepId: string): boolean {
    const records = this.#host.state.toolApprovals[stepId];
    return records?.some((record) => record.decision === undefined) === true;
  }

  /** Whether a running step has an attempt out whose spend is still to come. */
  get inFlight(): boolean {
    for (const slot of this.#slots) if (slot.task?.inFlight) return true;
    return false;
  }

  /** Stops everything: running steps are abandoned (and logged as cancelled), the rest skipped. */
  abortAll(log = true): void {
    if (this.#stopped && !log) return;
    this.#stopped = true;
    const host = this.#host;
    const { ids } = this.#graph;
    for (let index = 0; index < ids.length; index++) {
      const slot = this.#slots[index]!;
      const phase = slot.phase;
      if (phase === DONE) continue;
      slot.phase = DONE;
      const task = slot.task;
      if (task) {
        task.abandon();
        slot.task = undefined;
      }
      if (!log) continue;
      const base = {
        at: host.clock.now(),
        runId: host.runId,
        parentRunId: host.parentRunId,
        stepId: ids[index]!,
      };
      if (task || phase === INTERRUPTED || phase === TOOL_WAITING) {
        host.record({
          type: "step-error",
          ...base,
          error: serializeError(new CancelledError()),
          attempt: task?.attempt ?? 1,
          willRetry: false,
          ...task?.takeSpend(),
        });
      } else {
        host.record({ type: "step-skip", ...base, reason: "cancelled" });
      }
    }
    this.#running = 0;
  }

  #fail(
    index: number,
    error: unknown,
    attempt: number,
    spend: Record<string, unknown>,
    propagate: boolean,
  ): void {
    const host = this.#host;
    this.#slots[index]!.phase = DONE;
    this.#done++;
    host.record({
      type: "step-error",
      at: host.clock.now(),
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: this.#graph.ids[index]!,
      error: serializeError(error),
      attempt,
      willRetry: false,
      ...spend,
    });
    const failure =
      error instanceof Error ? error : new BatonError(String(error), { cause: error });
    this.#errors.set(index, failure);
    if (!propagate) return;
    if (this.#failFast && !this.#tolerated(index, false)) {
      host.abort("failed", failure);
      return;
    }
    this.#propagate(index, FAILED, undefined);
    this.#advance();
  }

  /** Whether a quorum on every successor still absorbs step `index`'s failure. */
  #tolerated(index: number, counted: boolean): boolean {
    const successors = this.#graph.successors[index]!;
    if (successors.length === 0) return false;
    for (const next of successors) {
      const quorum = this.#graph.steps[next]!.options.quorum;
      if (quorum === undefined) return false;
      const slot = this.#slots[next]!;
      const reachable =
        this.#graph.dependencies[next]!.length -
        slot.failedDeps -
        slot.skippedDeps -
        (counted ? 0 : 1);
      if (reachable < quorum) return false;
    }
    return true;
  }

  #propagate(index: number, outcome: number, chosen: number[] | undefined): void {
    for (const next of this.#graph.successors[index]!) {
      const slot = this.#slots[next]!;
      if (outcome === SUCCEEDED) {
        if (chosen && !chosen.includes(next)) {
          slot.skippedDeps++;
          slot.routeSkipped = true;
        } else {
          slot.succeededDeps++;
        }
      } else if (outcome === FAILED) {
        slot.failedDeps++;
      } else {
        slot.skippedDeps++;
      }
      if (--slot.pending === 0) this.#evaluate.push(next);
    }
  }

  /** Evaluates newly unblocked steps, starts ready ones, and ends the run when idle. */
  #advance(): void {
    if (this.#advancing) {
      this.#again = true;
      return;
    }
    this.#advancing = true;
    do {
      this.#again = false;
      const evaluate = this.#evaluate;
      if (evaluate.length > 0) {
        for (let position = 0; position < evaluate.length && !this.#stopped; position++) {
          this.#consider(evaluate[position]!);
        }
        // Emptied by pops: setting `length` is a call into the runtime (~75 ns, once a step).
        while (evaluate.length > 0) evaluate.pop();
      }
      if (!this.#stopped && !this.#host.holding) {
        while (this.#running < this.#concurrency && this.#queue.size > 0 && !this.#stopped) {
          this.#start(this.#queue.pop());
        }
      }
    } while (this.#again && !this.#stopped);
    this.#advancing = false;
    this.#passTime = undefined;
    this.#checkIdle();
  }

  #start(index: number): void {
    const slot = this.#slots[index]!;
    slot.phase = RUNNING;
    this.#running++;
    const step = this.#graph.steps[index]!;
    this.#passTime ??= this.#host.clock.now();
    const task = new StepTask(this.#host, index, step, this.#passTime);
    // A step that was in flight (a resumed run, a tool call decided) continues its attempt,
    // so it finds what that attempt recorded; a loop starts over from its first iteration,
    // replaying the iterations it recorded.
    const running = this.#host.mayReplay ? this.#host.state.running[step.id] : undefined;
    if (running && !step.options.loop) task.attempt = running.attempt;
    slot.task = task;
    task.begin();
  }

  /** Decides a step whose dependencies have all ended: skip, fail, wait for approval, or ready. */
  #consider(index: number): void {
    const slot = this.#slots[index]!;
    if (slot.phase !== IDLE) return;
    const step = this.#graph.steps[index]!;
    const { quorum, when, approval } = step.options;
    const succeeded = slot.succeededDeps;
    const failed = slot.failedDeps;
    // A step a route did not choose never runs, whatever its other dependencies did.
    const unchosen = slot.routeSkipped;
    const blocked =
      quorum !== undefined
        ? succeeded < quorum
        : failed > 0 || (succeeded === 0 && this.#graph.dependencies[index]!.length > 0);
    if (blocked || unchosen) {
      this.#skip(
        index,
        blocked && failed > 0 ? "upstream-failed" : unchosen ? "route" : "upstream-skipped",
      );
      return;
    }
    if (when || approval) {
      const admission = admitStep(step, this.#host);
      if (admission.kind === "skip") {
        this.#skip(index, "condition");
        return;
      }
      if (admission.kind === "fail") {
        this.#fail(index, admission.error, 0, {}, true);
        return;
      }
      if (admission.kind === "approval") {
        this.#requestApproval(index, admission.message);
        return;
      }
    }
    slot.phase = READY;
    this.#queue.push(index);
  }

  #requestApproval(index: number, message: string | undefined): void {
    const step = this.#graph.steps[index]!;
    this.#slots[index]!.phase = WAITING;
    this.#waiting++;
    const host = this.#host;
    // A resumed run that still waits has logged its request already.
    if (host.state.steps[step.id]?.status === "waiting") return;
    host.record({
      type: "approval-request",
      at: host.clock.now(),
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: step.id,
      ...(message !== undefined ? { message } : {}),
    });
  }

  #skip(index: number, reason: StepSkipEvent["reason"]): void {
    const host = this.#host;
    this.#slots[index]!.phase = DONE;
    this.#done++;
    host.record({
      type: "step-skip",
      at: host.clock.now(),
      runId: host.runId,
      parentRunId: host.parentRunId,
      stepId: this.#graph.ids[index]!,
      reason,
    });
    this.#propagate(index, reason === "upstream-failed" ? FAILED : SKIPPED, undefined);
  }

  #checkIdle(): void {
    if (this.#stopped || this.#running > 0) return;
    const paused = this.#host.paused;
    if (this.#queue.size > 0 && !this.#host.holding) return;
    const complete = this.#done === this.#graph.steps.length;
    this.#stopped = true;
    this.#host.idle({
      complete,
      failure: complete
        ? untoleratedFailure(this.#graph, this.#errors, this.#host.state.steps)
        : undefined,
      waitReason: paused ? "budget-exceeded" : this.#waiting > 0 ? "approval" : "blocked",
    });
  }

  /** Replays a resumed state's ended steps without logging; returns true if the run stopped. */
  #restore(state: RunState): boolean {
    const { order, ids, indexOf } = this.#graph;
    const host = this.#host;
    for (const index of order) {
      const record = state.steps[ids[index]!];
      if (!record) continue;
      if (record.status === "succeeded") {
        host.results[record.id] = record.output;
        const chosen = record.next
          ?.map((id) => indexOf.get(id))
          .filter((next) => next !== undefined);
        this.#settleRestored(index, SUCCEEDED, chosen);
      } else if (record.status === "failed") {
        this.#errors.set(index, errorFromLog(record.error));
        this.#settleRestored(index, FAILED, undefined);
      } else if (record.status === "waiting" && this.#hasUndecidedToolCalls(record.id)) {
        // In flight, stopped by a tool call that still waits for its decision.
        this.#slots[index]!.phase = TOOL_WAITING;
        this.#waiting++;
      } else if (record.status === "skipped" && record.skipReason !== "cancelled") {
        this.#settleRestored(
          index,
          record.skipReason === "upstream-failed" ? FAILED : SKIPPED,
          undefined,
        );
      }
    }
    if (this.#failFast) {
      for (const [index, error] of this.#errors) {
        if (!this.#tolerated(index, true)) {
          host.abort("failed", error);
          return true;
        }
      }
    }
    return false;
  }

  #settleRestored(index: number, outcome: number, chosen: number[] | undefined): void {
    this.#slots[index]!.phase = DONE;
    this.#done++;
    this.#propagate(index, outcome, chosen);
  }
}
