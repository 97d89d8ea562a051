import type { BatonEvent } from "../core/events.js";
import { checkOptions } from "../runtime/check-options.js";
import { describe } from "./describe-value.js";
import { sendToWebSocketOptionsRule } from "./event-options-rules.js";
import { eventsUntil } from "./events-until.js";

/**
 * What `sendToWebSocket` needs of a socket: the `ws` package's WebSocket and the WHATWG
 * `WebSocket` both fit. Close is noticed through `addEventListener("close")` or, for
 * EventEmitter-style sockets, `on("close")`.
 */
export interface EventSocket {
  send(data: string): void;
  /** `1` is OPEN, as in both `ws` and the WHATWG WebSocket. */
  readyState?: number;
  close?(): void;
  addEventListener?(type: "close", listener: () => void): void;
  removeEventListener?(type: "close", listener: () => void): void;
  on?(event: "close", listener: () => void): unknown;
  off?(event: "close", listener: () => void): unknown;
}

export interface SendToWebSocketOptions {
  /** Stops sending (and releases the event source) when it aborts. */
  signal?: AbortSignal;
  /**
   * Closes the socket once the events end (not when `signal` aborts or the peer closed).
   * @default false
   */
  closeOnEnd?: boolean;
  /**
   * Turns an event into the message sent.
   * @default JSON.stringify
   */
  serialize?: (event: BatonEvent) => string;
}

const OPEN = 1;

/**
 * Sends each event as one WebSocket text message (its JSON, by default). Stops when
 * the events end, the socket closes or `signal` aborts, and then releases the event
 * source, so a client that goes away does not keep a run subscription alive. The socket
 * should be open already (a server-side socket is); one that is not sends nothing.
 *
 * @example
 * wss.on("connection", (socket) => sendToWebSocket(run.events, socket, { closeOnEnd: true }));
 */
export async function sendToWebSocket(
  events: AsyncIterable<BatonEvent>,
  socket: EventSocket,
  options: SendToWebSocketOptions = {},
): Promise<void> {
  if (events === null || typeof events !== "object" || !(Symbol.asyncIterator in events)) {
    throw new TypeError(
      `sendToWebSocket: expected "events" to be an AsyncIterable of events, received ${describe(events)}`,
    );
  }
  if (typeof socket !== "object" || socket === null || typeof socket.send !== "function") {
    throw new TypeError(
      `sendToWebSocket: expected "socket" to be a WebSocket (an object with send()), received ${describe(socket)}`,
    );
  }
  checkOptions(sendToWebSocketOptionsRule, options, "sendToWebSocket()");
  const { signal, closeOnEnd = false, serialize = JSON.stringify } = options;
  const isOpen = () => socket.readyState === undefined || socket.readyState === OPEN;
  const stop = new AbortController();
  const onStop = () => stop.abort();
  if (signal?.aborted) onStop();
  signal?.addEventListener("abort", onStop, { once: true });
  if (socket.addEventListener) socket.addEventListener("close", onStop);
  else socket.on?.("close", onStop);
  let ended = false;
  try {
    if (!isOpen()) return;
    for await (const event of eventsUntil(events, stop.signal)) {
      if (!isOpen()) return;
      socket.send(serialize(event));
    }
    ended = !stop.signal.aborted;
  } finally {
    signal?.removeEventListener("abort", onStop);
    if (socket.removeEventListener) socket.removeEventListener("close", onStop);
    else socket.off?.("close", onStop);
  }
  if (ended && closeOnEnd && isOpen()) socket.close?.();
}
