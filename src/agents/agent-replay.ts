import type { SerializedError } from "../core/events.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import {
  addCost,
  addUsage,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  modelCallCost,
  toolCost,
  type Usage,
} from "../core/usage.js";
import type { ModelCallRecord } from "./agent-result.js";

/** One turn of the tool loop as an earlier run recorded it: a model call and its tools. */
interface RecordedTurn {
  /** Attempts of the call that failed (`model-call-error`), in order. */
  failed: LoggedEvent[];
  /** The reply (`model-call-end`), when it arrived. */
  reply: LoggedEvent | undefined;
  /** How each tool call the reply asked for ended (the last outcome logged), by tool call id. */
  tools: Map<string, LoggedEvent>;
  /** Set once a model call of this run took the turn. */
  replayed: boolean;
}

/** A model call served from the recording: the failed attempts before it, then its reply. */
export interface ReplayedCall {
  failed: readonly LoggedEvent[];
  /** `undefined` for the call that was in flight: it is made again. */
  reply: LoggedEvent | undefined;
}

/** Errors that stopped a run rather than answered the model: a later run calls the tool again. */
const waitCodes = new Set(["approval-pending", "run-waiting"]);

/**
 * What earlier runs of one agent's work in a step attempt recorded (before a crash, a wait
 * or an approval stopped them), served back to the next run of it (internal): its turns
 * in order, so the tool loop gets the same model replies with no model call, and the
 * recorded tool outputs with no tool execution; the loop goes on for real from the first
 * turn whose reply was not recorded. Built from the step's recorded events whose `path`
 * is the agent's.
 */
export class AgentReplay {
  /** An `agent-start` was logged: the run is a continuation and does not log another. */
  readonly started: boolean;
  /** An `agent-end` was logged: the run ended before, and does not log its end again. */
  readonly ended: boolean;
  readonly #turns: RecordedTurn[];
  readonly #summaries: LoggedEvent[];
  #nextTurn = 0;
  #nextSummary = 0;
  readonly #served = new Set<LoggedEvent>();

  private constructor(events: readonly LoggedEvent[]) {
    let started = false;
    let ended = false;
    const turns: RecordedTurn[] = [newTurn()];
    const summaries: LoggedEvent[] = [];
    for (const event of events) {
      switch (event.type) {
        case "agent-start":
          started = true;
          break;
        case "agent-end":
          ended = true;
          break;
        case "model-call-end":
          if (event.purpose === "summary") summaries.push(event);
          else {
            turns.at(-1)!.reply = event;
            turns.push(newTurn());
          }
          break;
        case "model-call-error":
          if (event.purpose !== "summary") turns.at(-1)!.failed.push(event);
          break;
        case "tool-call-end":
        case "tool-call-error": {
          // A tool call belongs to the turn whose reply asked for it: the last one recorded.
          const asking = turns.at(-2);
          if (asking && typeof event.toolCallId === "string") {
            asking.tools.set(event.toolCallId, event);
          }
          break;
        }
      }
    }
    this.started = started;
    this.ended = ended;
    this.#turns = turns;
    this.#summaries = summaries;
  }

  /** The replay of the work at `path` in `recorded`, or `undefined` when it recorded nothing. */
  static of(recorded: readonly LoggedEvent[], path: string): AgentReplay | undefined {
    if (recorded.length === 0) return undefined;
    const own = recorded.filter((event) => (event.path ?? "") === path);
    return own.length === 0 ? undefined : new AgentReplay(own);
  }

  /**
   * The recording of this run's next model call of `purpose`, or `undefined` past the end
   * of the recording. A call whose reply was not recorded comes back with its failed
   * attempts only (they were billed) and is made again.
   */
  nextCall(purpose: "step" | "summary"): ReplayedCall | undefined {
    if (purpose === "summary") {
      const reply = this.#summaries[this.#nextSummary];
      if (!reply) return undefined;
      this.#nextSummary++;
      this.#served.add(reply);
      return { failed: [], reply };
    }
    const turn = this.#turns[this.#nextTurn];
    if (!turn || turn.replayed) return undefined;
    turn.replayed = true;
    for (const failed of turn.failed) this.#served.add(failed);
    if (turn.reply) {
      this.#served.add(turn.reply);
      this.#nextTurn++;
    }
    return { failed: turn.failed, reply: turn.reply };
  }

  /**
   * How tool call `toolCallId` of turn `turn` (1-based: the reply that asked for it) ended
   * in the recording, if this run should take that instead of calling the tool: a success,
   * or a failure the model saw (a later reply was recorded) that was not a wait.
   */
  toolOutcome(turn: number, toolCallId: string): LoggedEvent | undefined {
    const asked = this.#turns[turn - 1];
    const outcome = asked?.tools.get(toolCallId);
    if (!outcome) return undefined;
    if (outcome.type === "tool-call-error") {
      const seen = this.#turns[turn]?.reply !== undefined;
      const code = (outcome.error as { code?: unknown } | undefined)?.code;
      if (!seen || (typeof code === "string" && waitCodes.has(code))) return undefined;
    }
    return outcome;
  }

  /** Marks a recorded tool outcome as accounted for (served, or its tool ran again quietly). */
  served(outcome: LoggedEvent): void {
    this.#served.add(outcome);
  }

  /**
   * What the recording billed that this run did not replay (a failure's tool cost, work
   * the run did not reach again): carried into this run's spend, so it stays on the books.
   */
  leftovers(): { usage: Usage; cost: CostBreakdown } {
    let usage = emptyUsage();
    let cost = emptyCost();
    const carry = (event: LoggedEvent) => {
      if (this.#served.has(event)) return;
      if (event.type === "model-call-end" || event.type === "model-call-error") {
        if (event.usage) usage = addUsage(usage, event.usage as Usage);
        if (event.cost) cost = addCost(cost, event.cost as CostBreakdown);
      } else if (typeof event.costCents === "number" && event.costCents > 0) {
        cost = addCost(cost, toolCost(event.costCents));
      }
    };
    for (const turn of this.#turns) {
      for (const failed of turn.failed) carry(failed);
      if (turn.reply) carry(turn.reply);
      for (const outcome of turn.tools.values()) carry(outcome);
    }
    for (const summary of this.#summaries) carry(summary);
    return { usage, cost };
  }
}

function newTurn(): RecordedTurn {
  return { failed: [], reply: undefined, tools: new Map(), replayed: false };
}

/** The ledger record of a model call attempt served from the recording. */
export function replayedCallRecord(
  event: LoggedEvent,
  purpose: "step" | "summary",
): ModelCallRecord {
  const usage = (event.usage as Usage | undefined) ?? emptyUsage();
  const model = String(event.model);
  const cost = (event.cost as CostBreakdown | undefined) ?? modelCallCost(model, 0);
  const durationMs = typeof event.durationMs === "number" ? event.durationMs : 0;
  // A call cut short before its reply was booked at its reservation: possibly billed.
  const possiblyBilled =
    usage.possiblyBilledTokens === undefined
      ? undefined
      : {
          tokens: usage.possiblyBilledTokens,
          cents: cost.modelCents === null ? null : (cost.possiblyBilledCents ?? 0),
        };
  return {
    model,
    attempt: typeof event.attempt === "number" ? event.attempt : 1,
    purpose,
    usage,
    costCents: cost.modelCents,
    startedAt: event.at - durationMs,
    durationMs,
    ...(possiblyBilled ? { possiblyBilled } : {}),
    ...(typeof event.finishReason === "string" ? { finishReason: event.finishReason } : {}),
    ...(event.error !== undefined ? { error: event.error as SerializedError } : {}),
  };
}
