import type { BatonEvent } from "../core/events.js";
import { RunTracer, type RunTracerOptions } from "./run-tracer.js";

/**
 * Turns events that were logged already into the spans `telemetry()` makes live: a run read
 * from a store, a run in another process (its `events` stream), a replay. Span times are the
 * events' `at`. Give a run tree's logs merged in time order, parents first (as
 * {@link traceStoredRun} does); a child run logged after its parent ended still nests under
 * the step that started it. Resolves once every event is turned into spans; whether they are
 * exported yet is the span processor's business (`forceFlush()` it).
 */
export async function traceEvents(
  events: Iterable<BatonEvent> | AsyncIterable<BatonEvent>,
  { signal, ...options }: RunTracerOptions & { signal?: AbortSignal } = {},
): Promise<void> {
  if (
    typeof events !== "object" ||
    events === null ||
    !(Symbol.iterator in events || Symbol.asyncIterator in events)
  ) {
    throw new TypeError(
      `traceEvents: expected events to be an iterable or async iterable of Baton events, received ${events === null ? "null" : typeof events}`,
    );
  }
  const tracer = new RunTracer(options, { retain: true });
  for await (const event of events) {
    signal?.throwIfAborted();
    tracer.observe(event);
  }
}
