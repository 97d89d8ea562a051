import type { ServerResponse } from "node:http";
import type { BatonEvent } from "../core/events.js";
import { checkOptions } from "../runtime/check-options.js";
import { describe } from "./describe-value.js";
import { sseResponseOptionsRule } from "./event-options-rules.js";
import { SSE_HEADERS } from "./sse-response.js";
import { type ToSSEOptions, toSSE } from "./to-sse.js";

export interface PipeSSEOptions extends ToSSEOptions {
  /** Extra response headers (CORS, for instance); they override the defaults. */
  headers?: Record<string, string>;
}

/**
 * Streams a run's events to a Node `http.ServerResponse` as Server-Sent Events
 * (`event: <type>` / `data: <json>`). Writes the headers, honours back-pressure, and
 * stops as soon as the client disconnects or `signal` aborts, releasing the event
 * source. Resolves when streaming stops; the response is ended unless the client left.
 * Rejects only when the event source itself throws (after ending the response).
 *
 * @example
 * http.createServer((request, response) => pipeSSE(run.events, response));
 */
export async function pipeSSE(
  events: AsyncIterable<BatonEvent>,
  response: ServerResponse,
  options: PipeSSEOptions = {},
): Promise<void> {
  if (
    typeof response !== "object" ||
    response === null ||
    typeof (response as { write?: unknown }).write !== "function"
  ) {
    throw new TypeError(
      `pipeSSE: expected "response" to be an http.ServerResponse, received ${describe(response)}`,
    );
  }
  checkOptions(sseResponseOptionsRule, options, "pipeSSE()");
  const { signal, headers, ...sseOptions } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  const onClose = () => stop.abort();
  if (signal?.aborted) stop.abort(signal.reason);
  else signal?.addEventListener("abort", onAbort, { once: true });
  response.on("close", onClose);
  try {
    if (!response.headersSent) {
      response.writeHead(200, { ...SSE_HEADERS, ...headers });
      response.flushHeaders();
    }
    for await (const frame of toSSE(events, { ...sseOptions, signal: stop.signal })) {
      if (response.destroyed || response.writableEnded) break;
      if (!response.write(frame)) await drained(response, stop.signal);
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    response.off("close", onClose);
    if (!response.destroyed && !response.writableEnded) response.end();
  }
}

/** Waits for the socket to take more, or for streaming to stop. */
function drained(response: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    response.once("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
