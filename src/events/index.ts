/**
 * Adapters that carry a run's event stream to where it is watched: Server-Sent Events
 * (fetch `Response` or Node `http.ServerResponse`), WebSocket, and a terminal progress view.
 * @module baton/events
 */
import "../require-supported-node.js";

export type {
  AgentEndEvent,
  AgentErrorEvent,
  AgentStartEvent,
  ApprovalDecisionEvent,
  ApprovalOutputEvent,
  ApprovalRequestEvent,
  BatonEvent,
  BatonEventType,
  BudgetExceededEvent,
  CircuitCloseEvent,
  CircuitHalfOpenEvent,
  CircuitOpenEvent,
  CustomEvent,
  EventBase,
  ModelCallEndEvent,
  ModelCallErrorEvent,
  ModelCallFallbackEvent,
  ModelCallRetryEvent,
  ModelCallStartEvent,
  PhaseEvent,
  RateLimitWaitEvent,
  RunCancelEvent,
  RunEndEvent,
  RunErrorEvent,
  RunProgress,
  RunResumeEvent,
  RunStartEvent,
  RunWaitEvent,
  SerializedError,
  StepEndEvent,
  StepErrorEvent,
  StepRetryEvent,
  StepSkipEvent,
  StepStartEvent,
  TextDeltaEvent,
  ToolCallEndEvent,
  ToolCallErrorEvent,
  ToolCallStartEvent,
  WorkflowEndEvent,
  WorkflowErrorEvent,
  WorkflowStartEvent,
} from "../core/events.js";
export { BATON_EVENT_TYPES } from "../core/events.js";

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
