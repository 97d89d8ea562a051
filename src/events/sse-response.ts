import type { BatonEvent } from "../core/events.js";
import { checkOptions } from "../runtime/check-options.js";
import { sseResponseOptionsRule } from "./event-options-rules.js";
import { type ToSSEOptions, toSSE } from "./to-sse.js";

export interface SSEResponseOptions extends ToSSEOptions {
  /** Extra response headers (CORS, for instance); they override the defaults. */
  headers?: Record<string, string>;
}

/** The headers every Server-Sent Events response carries. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // nginx buffers responses unless told otherwise, which would hold events back.
  "x-accel-buffering": "no",
});

/**
 * A fetch `Response` streaming a run's events as Server-Sent Events, for handlers that
 * return a Response (Hono, Next.js route handlers, Deno, Bun). The stream ends when the
 * events end, `signal` aborts, or the client disconnects (the body is cancelled).
 *
 * @example
 * app.get("/runs/:id/events", (c) => sseResponse(run.events, { signal: c.req.raw.signal }));
 */
export function sseResponse(
  events: AsyncIterable<BatonEvent>,
  options: SSEResponseOptions = {},
): Response {
  checkOptions(sseResponseOptionsRule, options, "sseResponse()");
  const { signal, headers, ...sseOptions } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  if (signal?.aborted) stop.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  const frames = toSSE(events, { ...sseOptions, signal: stop.signal });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await frames.next();
        if (next.done) {
          signal?.removeEventListener("abort", onAbort);
          controller.close();
        } else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        signal?.removeEventListener("abort", onAbort);
        controller.error(error);
      }
    },
    cancel() {
      signal?.removeEventListener("abort", onAbort);
      // Abort wakes a generator parked on the next event; return() ends one parked at a yield.
      stop.abort();
      frames.return().catch(() => {});
    },
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...headers } });
}
