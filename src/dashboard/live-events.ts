import type { BatonEvent } from "../core/events.js";
import type { RunStore, StoredEvent } from "../core/ports/run-store.js";
import { DurableError } from "../durable/durable-error.js";
import { followRun } from "../durable/follow-run.js";

/**
 * What the page hears: `log-event` for each event of the run's log (named, not whole: the
 * page reads the run again), then `stream-end` with the run's final status.
 */
export type LiveEvent =
  | {
      type: "log-event";
      /** The event's sequence number: the SSE id a reconnecting page resumes after. */
      seq: number;
      event: { type: string; at: number; [field: string]: string | number };
    }
  | { type: "stream-end"; status: string };

/** Events after which a run does not go on (a `run-wait` does, once decided and resumed). */
const FINAL_TYPES = new Map([
  ["run-end", "succeeded"],
  ["run-error", "failed"],
  ["run-cancel", "cancelled"],
]);
const FINAL_STATUSES = new Set(["succeeded", "failed", "cancelled"]);

function summary(event: StoredEvent): LiveEvent {
  const named: Extract<LiveEvent, { type: "log-event" }>["event"] = {
    type: event.type,
    at: event.at,
  };
  for (const key of ["runId", "stepId", "agent", "tool", "model"]) {
    const value = event[key];
    if (typeof value === "string") named[key] = value;
  }
  return { type: "log-event", seq: event.seq, event: named };
}

/**
 * A run's events from its log, after `afterSeq`, as they are appended by whichever process
 * runs it (`followRun`: polling on SQLite, LISTEN/NOTIFY on PostgreSQL). It follows the run
 * through waits (an approval, then a resume) and ends with a `stream-end` once the run has
 * ended for good, or when `signal` aborts.
 * @throws DurableError `run-not-found` before the first event
 */
export async function* liveEvents(
  store: RunStore,
  runId: string,
  { afterSeq, signal, pollMs }: { afterSeq: number; signal: AbortSignal; pollMs: number },
): AsyncGenerator<LiveEvent> {
  const record = await store.getRun(runId);
  if (!record) {
    throw new DurableError(`No run "${runId}" in the store`, { code: "run-not-found", runId });
  }
  let after = afterSeq;
  if (FINAL_STATUSES.has(record.status)) {
    for (const event of await store.readLog(runId, { afterSeq: after })) yield summary(event);
    yield { type: "stream-end", status: record.status };
    return;
  }
  while (!signal.aborted) {
    let last: StoredEvent | undefined;
    for await (const event of followRun(store, runId, { afterSeq: after, signal, pollMs })) {
      after = event.seq;
      last = event;
      yield summary(event);
    }
    const ended = last && (last.runId ?? runId) === runId ? FINAL_TYPES.get(last.type) : undefined;
    if (ended) {
      yield { type: "stream-end", status: ended };
      return;
    }
  }
}

/**
 * `events` as an iterable whose `return()` (the client went away) aborts `controller`
 * at once, so the follower stops reading the store now rather than at its next event.
 */
export function stopOnReturn(
  events: AsyncGenerator<LiveEvent>,
  controller: AbortController,
): AsyncIterable<BatonEvent> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => events.next() as Promise<IteratorResult<BatonEvent>>,
      return: (value?: unknown) => {
        controller.abort();
        return events.return(value as undefined) as Promise<IteratorResult<BatonEvent>>;
      },
    }),
  };
}
