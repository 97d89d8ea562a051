import { CancelledError } from "../core/errors/cancelled-error.js";
import { type BatonEvent, serializeError } from "../core/events.js";
import type { ModelCallGate, ModelCallPermit, ModelCallRequest } from "../core/model-call-gate.js";
import { BudgetExceededError } from "../core/policies/budget-exceeded-error.js";
import type { Clock } from "../core/ports/clock.js";
import type { IdGenerator } from "../core/ports/id-generator.js";
import type { LoggedEvent, RunStore } from "../core/ports/run-store.js";
import { childRunIdOf } from "../core/run/child-run-id.js";
import type { ToolApprovalRecord } from "../core/run/fold-run-log.js";
import { RemoteError } from "../core/run/wire-outcome.js";
import type { ParentLink, RunContext, RunOverrides, ToolApprovals } from "../core/run-context.js";
import type { RunnableEvent } from "../core/runnable.js";
import type { CostBreakdown, Usage } from "../core/usage.js";
import type { ToOwner, ToWorker, WireAttempt, WirePermit } from "./wire.js";
import { WorkerError } from "./worker-error.js";

/** What a worker gives the run contexts of the attempts it runs. */
export interface RemoteContextDeps {
  workerId: string;
  store: RunStore;
  clock: Clock;
  ids: IdGenerator;
  /** Sends a message to the attempt's run's owner. */
  send(message: ToOwner): void;
  /** Asks the owner for a permit or the attempt's logged work; resolves with its answer. */
  ask(
    message: Extract<ToOwner, { t: "acquire" | "recorded" }>,
    signal: AbortSignal,
  ): Promise<ToWorker>;
  /** Numbers requests to owners (unique in this worker). */
  nextCall(): number;
  /** Keeps what a model call of the attempt spent (in Redis, for whichever owner settles it). */
  recordSpend(
    attemptId: string,
    delivery: string,
    spend: { usage?: Usage; cost?: CostBreakdown },
  ): void;
}

/**
 * The run context of one attempt running on a worker: the step's own work (and child runs,
 * written to the worker's store) happens here; what it does on the run (events, model-call
 * permits, tool costs, approvals) goes to the run's owner, whose gate and log decide.
 */
export class RemoteContext implements RunContext, ToolApprovals {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly parent: ParentLink | undefined;
  readonly store: RunStore;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly random = Math.random;
  readonly signal: AbortSignal;
  readonly overrides: RunOverrides;
  readonly records: readonly ToolApprovalRecord[];
  readonly gate: ModelCallGate;
  readonly #wire: WireAttempt;
  readonly #delivery: string;
  readonly #deps: RemoteContextDeps;
  readonly #controller: AbortController;
  readonly #consumed = new Set<ToolApprovalRecord>();
  #pending = false;
  #recorded: readonly LoggedEvent[];
  #replayed = false;

  constructor(
    wire: WireAttempt,
    delivery: string,
    controller: AbortController,
    deps: RemoteContextDeps,
  ) {
    this.#wire = wire;
    this.#delivery = delivery;
    this.#deps = deps;
    this.#controller = controller;
    this.runId = wire.runId;
    this.stepId = wire.stepId;
    this.attempt = wire.attempt;
    this.parent = wire.parentRunId ? { runId: wire.parentRunId, stepId: "" } : undefined;
    this.store = deps.store;
    this.ids = deps.ids;
    this.clock = deps.clock;
    this.signal = controller.signal;
    this.overrides = wire.overrides;
    this.records = wire.toolApprovals;
    this.#recorded = wire.recorded ?? [];
    this.gate = this.#makeGate();
  }

  /**
   * Takes what the attempt logged of its work so far from its owner, to replay: for a job
   * that ran before (its worker died, or lost it), whose earlier deliveries' turns are in
   * the log. The owner cuts their open calls short first, as a resumed run does. Resolves
   * with nothing taken when the attempt stops meanwhile (it is given up, or cancelled).
   */
  async takeRecorded(): Promise<void> {
    const deps = this.#deps;
    let answer: ToWorker;
    try {
      answer = await deps.ask(
        {
          t: "recorded",
          a: this.#wire.id,
          d: this.#delivery,
          w: deps.workerId,
          call: deps.nextCall(),
        },
        this.signal,
      );
    } catch {
      return;
    }
    if (answer.t === "recorded") {
      this.#recorded = answer.events;
      this.#replayed = answer.events.length > 0;
    } else if (answer.stale) this.#stale(answer);
  }

  /** Whether the attempt replays what earlier deliveries logged (`takeRecorded`): its outcome books their spend. */
  get replayed(): boolean {
    return this.#replayed;
  }

  get approvals(): ToolApprovals {
    return this;
  }

  get pending(): boolean {
    return this.#pending;
  }

  emit(event: RunnableEvent): void {
    this.#send({ t: "emit", event });
  }

  relay(event: BatonEvent): void {
    this.#send({ t: "relay", event: event as unknown as { type: string } });
  }

  /**
   * Events go to the owner over the queue and are not acknowledged one by one, so a worker
   * cannot wait for them to be stored: a model call goes once its `model-call-start` is
   * sent. (In one process the call waits until the start is in the log.)
   */
  stored(): Promise<void> {
    return Promise.resolve();
  }

  /** The step's own runnable: the root of the attempt's work paths. */
  get path(): string {
    return "";
  }

  /**
   * What earlier runs of the attempt logged of their work, for its agents to replay: what
   * was logged when it was dispatched (a resumed run), or what its owner gave
   * `takeRecorded` (a job that ran before).
   */
  get recorded(): readonly LoggedEvent[] {
    return this.#recorded;
  }

  childRunId(): string {
    return childRunIdOf({
      runId: this.runId,
      stepId: this.stepId,
      iteration: this.#wire.iteration,
      attempt: this.attempt,
      path: "",
    });
  }

  request(request: { toolCallId: string; tool: string; input: unknown; message?: string }): void {
    this.#pending = true;
    this.#send({ t: "approval-request", request });
    this.#controller.abort(new Error(`Tool "${request.tool}" waits for approval`));
  }

  consume(record: ToolApprovalRecord): boolean {
    if (this.#consumed.has(record)) return false;
    this.#consumed.add(record);
    return true;
  }

  recordOutput(toolCallId: string, output: unknown): void {
    this.#send({ t: "approval-output", toolCallId, output });
  }

  #send(message: DistributiveOmit<ToOwner, "a" | "d">): void {
    this.#deps.send({ ...message, a: this.#wire.id, d: this.#delivery } as ToOwner);
  }

  #makeGate(): ModelCallGate {
    const deps = this.#deps;
    return {
      ...(this.#wire.reservesBudget ? { reservesBudget: true } : {}),
      acquire: async (request: ModelCallRequest): Promise<ModelCallPermit> => {
        const { signal, ...rest } = request;
        if (signal?.aborted) throw new CancelledError(undefined, { cause: signal.reason });
        const call = deps.nextCall();
        const answer = (await deps.ask(
          {
            t: "acquire",
            a: this.#wire.id,
            d: this.#delivery,
            w: deps.workerId,
            call,
            request: rest,
          },
          signal ?? this.signal,
        )) as WirePermit;
        if (answer.granted) {
          return {
            granted: true,
            ...(answer.reservation ? { reservation: answer.reservation } : {}),
            release: (outcome) => {
              const { error, ...spend } = outcome;
              if (spend.usage || spend.cost) deps.recordSpend(this.#wire.id, this.#delivery, spend);
              this.#send({
                t: "release",
                call,
                outcome: {
                  ...spend,
                  ...(error !== undefined ? { error: serializeError(error) } : {}),
                },
              });
            },
          };
        }
        if (answer.stale) throw this.#stale(answer);
        const error = answer.budget
          ? new BudgetExceededError(answer.budget)
          : new RemoteError(
              answer.error ?? { name: "Error", message: "The owner refused the call" },
            );
        if (!answer.reason) throw error;
        return {
          granted: false,
          reason: answer.reason,
          error,
          ...(answer.switchTo !== undefined ? { switchTo: answer.switchTo } : {}),
        };
      },
      recordToolCost: (report) => this.#send({ t: "tool-cost", report }),
    };
  }

  /** Stops the attempt: its owner says another delivery (or owner) decides it now. */
  #stale(answer: WirePermit): WorkerError {
    const stale = new WorkerError(answer.error?.message ?? "The attempt is no longer current", {
      code: "stale",
    });
    this.#controller.abort(stale);
    return stale;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
