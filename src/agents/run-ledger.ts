import type { BatonEvent, EventBase } from "../core/events.js";
import type { ModelCallPermit } from "../core/model-call-gate.js";
import type { RunnableEvent } from "../core/runnable.js";
import {
  addCost,
  addUsage,
  type CostBreakdown,
  modelCallCost,
  possiblyBilledSpend,
  sumCost,
  sumUsage,
  toolCost,
  type Usage,
} from "../core/usage.js";
import type { ModelCallRecord, SubagentRecord, ToolCallRecord } from "./agent-result.js";

/** One model call attempt's cost: confirmed, or (cut short before its reply) possibly billed. */
function callCost(call: ModelCallRecord): CostBreakdown {
  return call.possiblyBilled
    ? possiblyBilledSpend(call.model, call.possiblyBilled).cost
    : modelCallCost(call.model, call.costCents);
}

type AgentEventType =
  | "agent-start"
  | "agent-end"
  | "agent-error"
  | "model-call-start"
  | "model-call-end"
  | "model-call-error"
  | "model-call-retry"
  | "model-call-fallback"
  | "model-call-cache-hit"
  | "model-call-cache-miss"
  | "tool-call-start"
  | "tool-call-end"
  | "tool-call-error"
  | "text-delta"
  | "conversation-compress";

type WithoutBase<EVENT> = EVENT extends unknown ? Omit<EVENT, keyof EventBase> : never;

/** An event an agent emits, before the engine stamps `runId` and `at` on it. */
export type AgentEvent = WithoutBase<Extract<BatonEvent, { type: AgentEventType }>>;

/**
 * The books of one agent run (internal): every model call attempt, tool call and
 * subagent run, and the events they emit. Totals are always computed from the
 * records, so they add up by construction.
 */
export class RunLedger {
  readonly modelCalls: ModelCallRecord[] = [];
  /** Each record's place in start order (see `callPlace`), side by side with `modelCalls`. */
  readonly #callPlaces: number[] = [];
  #calls = 0;
  readonly toolCalls: ToolCallRecord[] = [];
  readonly subagents: SubagentRecord[] = [];
  readonly agent: string;
  /**
   * Where the run's work sits in its step's attempt (`RunContext.path`): its events carry
   * it (when not empty), so a resumed step finds them.
   */
  readonly path: string;
  /** The gate's refusal that ended the run, if one did (a budget stop or pause). */
  refusal: Extract<ModelCallPermit, { granted: false }> | undefined;
  /**
   * Tool-loop turns whose reply arrived (from the model, the cache or the recording of an
   * interrupted run): the turn a tool call belongs to.
   */
  get turns(): number {
    let answered = 0;
    for (const call of this.modelCalls) if (call.purpose === "step" && !call.error) answered++;
    return answered;
  }
  /** Spend an interrupted earlier run recorded that this run did not replay (`AgentReplay.leftovers`). */
  carried: { usage: Usage; cost: CostBreakdown } | undefined;
  readonly #emit: ((event: RunnableEvent) => void) | undefined;
  #closed = false;
  #responding: Promise<void> = Promise.resolve();
  /** Model call attempts not yet on the books (an aborted call waits for its reply or its grace turn). */
  readonly #pending = new Set<Promise<void>>();

  constructor(agent: string, emit?: (event: RunnableEvent) => void, path = "") {
    this.agent = agent;
    this.#emit = emit;
    this.path = path;
  }

  /** The place of a model call starting now among the run's call records. */
  callPlace(): number {
    return this.#calls++;
  }

  /**
   * Records a model call attempt at its place (`callPlace()` when it started; now by
   * default), so the records stay in the order the calls started: an aborted attempt
   * settles a few event-loop turns after the caller gave up on it, maybe after its retry.
   */
  addModelCall(record: ModelCallRecord, place = this.callPlace()): void {
    let index = this.modelCalls.length;
    while (index > 0 && (this.#callPlaces[index - 1] as number) > place) index--;
    this.modelCalls.splice(index, 0, record);
    this.#callPlaces.splice(index, 0, place);
  }

  emit(event: AgentEvent): void {
    this.forward(this.path === "" ? event : { ...event, path: this.path });
  }

  /** Passes on an event of a subagent run inside this one. */
  forward(event: RunnableEvent): void {
    if (!this.#closed) this.#emit?.(event);
  }

  /**
   * Ends the run's event stream after its agent-end or agent-error: a tool that ignored
   * the abort and finishes later must not add events to a run that is over.
   */
  close(): void {
    this.#closed = true;
  }

  /**
   * Marks a tool-loop step's model response as under way; the returned function marks it
   * ended. A streamed response announces its tool calls one by one, and the AI SDK starts
   * each as it comes: batch tools wait for the end to gather every call of the step.
   */
  beginResponse(): () => void {
    let end!: () => void;
    this.#responding = new Promise((resolve) => {
      end = resolve;
    });
    return end;
  }

  /** Resolves once the current step's model response has ended (at once between responses). */
  responseEnded(): Promise<void> {
    return this.#responding;
  }

  /** Keeps track of a model call attempt until `ended` settles (it is on the books then). */
  track(ended: Promise<void>): void {
    this.#pending.add(ended);
    ended.then(() => this.#pending.delete(ended));
  }

  /** Resolves once every model call attempt started so far is on the books. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** The models that answered tool-loop steps, in order (one per step). */
  answeringModels(): string[] {
    return this.modelCalls
      .filter((call) => call.purpose === "step" && call.error === undefined)
      .map((call) => call.model);
  }

  usage(): Usage {
    const own = addUsage(
      sumUsage(this.modelCalls.map((call) => call.usage)),
      sumUsage(this.subagents.map((run) => run.usage)),
    );
    return this.carried ? addUsage(own, this.carried.usage) : own;
  }

  cost(): CostBreakdown {
    const own = addCost(
      addCost(
        sumCost(this.modelCalls.map(callCost)),
        sumCost(this.toolCalls.map((call) => toolCost(call.costCents))),
      ),
      sumCost(this.subagents.map((run) => run.cost)),
    );
    return this.carried ? addCost(own, this.carried.cost) : own;
  }
}
