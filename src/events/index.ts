/**
 * Adapters that carry a run's event stream to where it is watched: Server-Sent Events
 * (fetch `Response` or Node `http.ServerResponse`), WebSocket, and a terminal progress view.
 * @module baton/events
 */
export { type PipeSSEOptions, pipeSSE } from "./pipe-sse.js";
export {
  type ProgressStream,
  type ProgressSummary,
  type ProgressViewOptions,
  progressView,
} from "./progress-view.js";
export {
  type EventSocket,
  type SendToWebSocketOptions,
  sendToWebSocket,
} from "./send-to-web-socket.js";
export { SSE_HEADERS, type SSEResponseOptions, sseResponse } from "./sse-response.js";
export { formatSSE, SSE_HEARTBEAT, type ToSSEOptions, toSSE } from "./to-sse.js";
