import { serializeError } from "../core/events.js";
import type { ModelCallPermit } from "../core/model-call-gate.js";
import type { Outcome } from "../core/outcome.js";
import { BudgetExceededError } from "../core/policies/budget-exceeded-error.js";
import type { AttemptHost } from "../core/ports/step-dispatcher.js";
import { cutShortCall } from "../core/run/cut-short-calls.js";
import { noCost, noUsage } from "../core/run/fold-run-log.js";
import { callKey } from "../core/run/run-spend.js";
import { fromWire, RemoteError } from "../core/run/wire-outcome.js";
import { addCost, addUsage, type CostBreakdown, type Usage } from "../core/usage.js";
import type { ToOwner, ToWorker, WireAttempt, WireRelease } from "./wire.js";

type GrantedPermit = Extract<ModelCallPermit, { granted: true }>;
type ToOwnerEvent = Extract<ToOwner, { t: "emit" }>["event"];

/**
 * One dispatched attempt on the owner's side: its host, where it went (queue, job), and
 * the books the workers' messages keep: permits they hold, and what each delivery spent.
 * A delivery that died (its worker was killed and the job ran again elsewhere) never
 * settles; what its model calls spent is added to the outcome that does, so the step is
 * billed for every call a provider answered and Baton heard of, and the calls it had started
 * and not ended are logged as cut short, possibly billed at their reservation, as a resumed
 * run books the calls its dead process left open.
 *
 * A delivery of a job that ran before asks for what the attempt logged of its work so far
 * and replays it (`#handOver`): the calls left open are cut short then, so its replay books
 * them and the spend of the turns it replays, and the deliveries before it are done.
 */
export class AttemptEntry {
  readonly host: AttemptHost;
  readonly wire: WireAttempt;
  queue: string;
  job: string | undefined;
  index = 0;
  /** The attempt id of an earlier owner's attempt this one adopted. */
  adoptedFrom: string | undefined;
  /** When the job was sent (or adopted), for the reconcile pass. */
  sentAt = 0;
  cancelled = false;
  settled = false;
  readonly #permits = new Map<string, { permit: GrantedPermit; worker: string }>();
  readonly #spend = new Map<string, { usage: Usage; cost: CostBreakdown }>();
  /** Each delivery's model calls started and not yet ended, by path and agent. */
  readonly #openCalls = new Map<string, Map<string, ToOwnerEvent>>();
  /** The delivery the attempt's logged work was last handed to: the ones before it are done. */
  #replayer: string | undefined;
  /** Deliveries that were the attempt's run and handed it to a later one: they never are again. */
  readonly #handedOff = new Set<string>();
  /** What the calls cut short at a hand-over may have cost (its replay books it). */
  readonly #handedOverSpend: { usage: Usage; cost: CostBreakdown }[] = [];

  constructor(host: AttemptHost, wire: WireAttempt, queue: string) {
    this.host = host;
    this.wire = wire;
    this.queue = queue;
  }

  /** Acts on a message from a worker; `reply` answers a permit or `recorded` request. */
  handle(message: ToOwner, reply: (worker: string, answer: ToWorker) => void): void {
    const { context } = this.host;
    // A delivery that asks for the logged work is a later one (the job ran again, or was sent
    // again after its last delivery ended without an outcome): it takes the attempt over.
    const takesOver = message.t === "recorded" && !this.#handedOff.has(message.d);
    if (this.#done(message.d) && message.t !== "release" && !takesOver) {
      // Its work went to a later delivery: it makes no more calls, and logs nothing more.
      if (message.t === "acquire" || message.t === "recorded") {
        reply(message.w, staleAnswer(message.call));
      }
      return;
    }
    switch (message.t) {
      case "settle":
        this.settle(fromWire(message.outcome), message.d, message.replayed);
        return;
      case "emit":
        this.#track(message.d, message.event);
        context.emit(message.event);
        return;
      case "relay":
        context.relay(message.event as never);
        return;
      case "tool-cost":
        context.gate.recordToolCost?.(message.report);
        return;
      case "approval-request":
        context.approvals.request(message.request);
        return;
      case "approval-output":
        context.approvals.recordOutput(message.toolCallId, message.output);
        return;
      case "release":
        this.#release(`${message.d}|${message.call}`, message.d, message.outcome);
        return;
      case "acquire":
        this.#acquire(message, reply);
        return;
      case "recorded":
        this.#handOver(message.d);
        reply(message.w, { t: "recorded", call: message.call, events: [...this.host.logged()] });
        return;
    }
  }

  /**
   * Whether the attempt takes what `delivery` reports (its outcome too): not when its logged
   * work went to a later delivery.
   */
  accepts(delivery: string): boolean {
    return !this.#done(delivery);
  }

  /** Whether `delivery` ran before the one the attempt's logged work was handed to. */
  #done(delivery: string | undefined): boolean {
    return delivery !== undefined && this.#replayer !== undefined && delivery !== this.#replayer;
  }

  /**
   * Makes `delivery` the attempt's run: the calls the others left open are logged as cut
   * short (possibly billed; in the log, so the new run's replay books them, as a resumed
   * run's), their permits are released, and what they ask or report from now on is refused
   * (but what their calls spent).
   */
  #handOver(delivery: string): void {
    if (this.#replayer !== undefined && this.#replayer !== delivery) {
      this.#handedOff.add(this.#replayer);
    }
    this.#replayer = delivery;
    for (const [other, calls] of this.#openCalls) {
      if (other === delivery) continue;
      for (const start of calls.values()) this.#handedOverSpend.push(this.#cutShort(start));
      this.#openCalls.delete(other);
    }
    for (const [key, held] of this.#permits) {
      if (key.startsWith(`${delivery}|`)) continue;
      this.#permits.delete(key);
      held.permit.release({});
    }
  }

  #acquire(
    message: Extract<ToOwner, { t: "acquire" }>,
    reply: (worker: string, answer: ToWorker) => void,
  ): void {
    const { context } = this.host;
    const key = `${message.d}|${message.call}`;
    if (this.#permits.has(key)) return;
    context.gate.acquire({ ...message.request, signal: context.signal }).then(
      (permit) => {
        if (permit.granted) {
          if (this.settled) {
            permit.release({});
            return;
          }
          this.#permits.set(key, { permit, worker: message.w });
          reply(message.w, {
            t: "permit",
            call: message.call,
            granted: true,
            ...(permit.reservation ? { reservation: permit.reservation } : {}),
          });
          return;
        }
        reply(message.w, {
          t: "permit",
          call: message.call,
          granted: false,
          reason: permit.reason,
          error: serializeError(permit.error),
          ...(permit.switchTo !== undefined ? { switchTo: permit.switchTo } : {}),
          ...(BudgetExceededError.isInstance(permit.error)
            ? { budget: budgetFields(permit.error) }
            : {}),
        });
      },
      (error) =>
        reply(message.w, {
          t: "permit",
          call: message.call,
          granted: false,
          error: serializeError(error),
        }),
    );
  }

  #release(key: string, delivery: string, outcome: WireRelease): void {
    const held = this.#permits.get(key);
    this.#permits.delete(key);
    const { error, ...spend } = outcome;
    held?.permit.release({ ...spend, ...(error ? { error: new RemoteError(error) } : {}) });
    if (spend.usage || spend.cost) {
      const books = this.#spend.get(delivery) ?? { usage: noUsage, cost: noCost };
      if (spend.usage) books.usage = addUsage(books.usage, spend.usage);
      if (spend.cost) books.cost = addCost(books.cost, spend.cost);
      this.#spend.set(delivery, books);
    }
  }

  /**
   * Settles the attempt with `outcome` from `delivery` (undefined: the owner's own verdict),
   * adding what other deliveries spent, and releases the permits its workers still hold. A
   * delivery that `replayed` what the others logged booked their spend already; one whose
   * logged work was handed to a later delivery does not settle the attempt.
   */
  settle(outcome: Outcome, delivery: string | undefined, replayed = false): void {
    if (this.settled || this.#done(delivery)) return;
    this.settled = true;
    let { usage, cost } = outcome;
    const add = (spend: { usage: Usage; cost: CostBreakdown }) => {
      usage = usage === noUsage ? spend.usage : addUsage(usage, spend.usage);
      cost = cost === noCost ? spend.cost : addCost(cost, spend.cost);
    };
    if (!replayed) {
      for (const [other, books] of this.#spend) if (other !== delivery) add(books);
      for (const spend of this.#handedOverSpend) add(spend);
    }
    for (const [other, calls] of this.#openCalls) {
      if (other === delivery) continue;
      for (const start of calls.values()) add(this.#cutShort(start));
    }
    this.#openCalls.clear();
    this.releaseAll();
    this.host.settle({ ...outcome, usage, cost } as Outcome);
  }

  /** Keeps each delivery's open model calls: a start opens one, its end or error closes it. */
  #track(delivery: string, event: ToOwnerEvent): void {
    const { type } = event;
    if (type !== "model-call-start" && type !== "model-call-end" && type !== "model-call-error") {
      return;
    }
    const key = callKey(event);
    const calls = this.#openCalls.get(delivery) ?? new Map<string, ToOwnerEvent>();
    if (type === "model-call-start") {
      calls.set(key, event);
      this.#openCalls.set(delivery, calls);
    } else calls.delete(key);
  }

  /**
   * Logs a model call that a dead delivery started and never ended as cut short, possibly
   * billed at the reservation its start recorded; returns that spend.
   */
  #cutShort(start: ToOwnerEvent): { usage: Usage; cost: CostBreakdown } {
    const event = cutShortCall(start, this.host.context.clock.now());
    this.host.context.emit(event as never);
    return {
      usage: (event.usage as Usage | undefined) ?? noUsage,
      cost: (event.cost as CostBreakdown | undefined) ?? noCost,
    };
  }

  /** Takes the spend books each delivery's worker kept (complete, where this owner's may not be). */
  takeBooks(books: Record<string, string>): void {
    for (const [delivery, text] of Object.entries(books)) {
      try {
        const spend = JSON.parse(text) as { usage?: Usage; cost?: CostBreakdown };
        this.#spend.set(delivery, { usage: spend.usage ?? noUsage, cost: spend.cost ?? noCost });
      } catch {}
    }
  }

  /** Releases the permits held by workers that are gone (`alive` says which are not). */
  releaseLost(alive: (worker: string) => boolean): void {
    for (const [key, held] of this.#permits) {
      if (alive(held.worker)) continue;
      this.#permits.delete(key);
      held.permit.release({});
    }
  }

  releaseAll(): void {
    for (const held of this.#permits.values()) held.permit.release({});
    this.#permits.clear();
  }
}

/** The answer to a request of a delivery that is not the attempt's run (any more). */
export function staleAnswer(call: number): ToWorker {
  return {
    t: "permit",
    call,
    granted: false,
    stale: true,
    error: { name: "WorkerError", message: "The attempt is no longer current", code: "stale" },
  };
}

function budgetFields(error: BudgetExceededError) {
  const { scope, agent, limit, spent, action, switchTo } = error;
  return JSON.parse(JSON.stringify({ scope, agent, limit, spent, action, switchTo }));
}
