import type { BatonEvent } from "../core/events.js";
import type { Clock } from "../core/ports/clock.js";
import { checkOptions } from "../runtime/check-options.js";
import { systemClock } from "../runtime/system-clock.js";
import { describe } from "./describe-value.js";
import { toSSEOptionsRule } from "./event-options-rules.js";

export interface ToSSEOptions {
  /** Stops the stream (and releases the source iterator) when it aborts. */
  signal?: AbortSignal;
  /**
   * Sends a `: heartbeat` comment after this many ms without an event, so proxies and
   * load balancers keep an idle connection open. `0` sends none.
   * @default 0
   */
  heartbeatMs?: number;
  /**
   * Where heartbeat delays are waited.
   * @default systemClock
   */
  clock?: Clock;
}

/**
 * One Server-Sent Events frame for an event: `event: <type>`, `data: <json>` and, when
 * the event carries a store sequence number (`seq`), `id: <seq>` so a reconnecting
 * `EventSource` can say where it left off (`Last-Event-ID`).
 *
 * @example
 * formatSSE({ type: "step-start", ... }) // "event: step-start\ndata: {...}\n\n"
 */
export function formatSSE(event: BatonEvent | { type: string; [key: string]: unknown }): string {
  if (typeof event !== "object" || event === null || typeof event.type !== "string") {
    throw new TypeError(
      `formatSSE: expected "event" to be an object with a string type, received ${describe(event)}`,
    );
  }
  // JSON.stringify escapes every newline inside strings, so the data is one line.
  const data = JSON.stringify(event);
  // A type is ours or a user's `custom:<name>`; strip line breaks so it cannot end the field.
  const type = event.type.replace(/[\r\n]/g, " ");
  const seq = (event as { seq?: unknown }).seq;
  const id = typeof seq === "number" && Number.isFinite(seq) ? `id: ${seq}\n` : "";
  return `${id}event: ${type}\ndata: ${data}\n\n`;
}

/** An SSE comment line; clients ignore it, proxies see traffic. */
export const SSE_HEARTBEAT = ": heartbeat\n\n";

type Outcome<T> =
  | { kind: "next"; result: IteratorResult<T> }
  | { kind: "error"; error: unknown }
  | { kind: "heartbeat" }
  | { kind: "stop" };

/**
 * Turns an event stream into Server-Sent Events frames (strings), with optional
 * heartbeats while the stream is idle. Ends when the events end or `signal` aborts;
 * either way the source iterator is released (`return()`), so a run's subscription does
 * not leak when a client goes away.
 */
export async function* toSSE(
  events: AsyncIterable<BatonEvent>,
  options: ToSSEOptions = {},
): AsyncGenerator<string, void, undefined> {
  if (events === null || typeof events !== "object" || !(Symbol.asyncIterator in events)) {
    throw new TypeError(
      `toSSE: expected "events" to be an AsyncIterable of events, received ${describe(events)}`,
    );
  }
  checkOptions(toSSEOptionsRule, options, "toSSE()");
  const { signal, heartbeatMs = 0, clock = systemClock } = options;
  const iterator = events[Symbol.asyncIterator]();
  let finished = false;
  const stop = new Promise<Outcome<BatonEvent>>((resolve) => {
    if (signal?.aborted) resolve({ kind: "stop" });
    signal?.addEventListener("abort", () => resolve({ kind: "stop" }), { once: true });
  });
  // The pending `next()` survives heartbeats: an event is never asked for twice.
  let pending: Promise<Outcome<BatonEvent>> | undefined;
  try {
    while (true) {
      pending ??= iterator.next().then(
        (result) => ({ kind: "next", result }),
        (error: unknown) => ({ kind: "error", error }),
      );
      const beat = new AbortController();
      const racers = [pending, stop];
      if (heartbeatMs > 0) {
        racers.push(
          clock.sleep(heartbeatMs, { signal: beat.signal }).then(
            () => ({ kind: "heartbeat" }) as const,
            // The beat lost the race and was cancelled: never settle.
            () => new Promise<never>(() => {}),
          ),
        );
      }
      let outcome: Outcome<BatonEvent>;
      try {
        outcome = await Promise.race(racers);
      } finally {
        beat.abort();
      }
      if (outcome.kind === "stop") return;
      if (outcome.kind === "heartbeat") {
        yield SSE_HEARTBEAT;
        continue;
      }
      pending = undefined;
      if (outcome.kind === "error") {
        finished = true;
        throw outcome.error;
      }
      if (outcome.result.done) {
        finished = true;
        return;
      }
      yield formatSSE(outcome.result.value);
    }
  } finally {
    // Not awaited: a generator parked in `next()` would make `return()` wait for its event.
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
