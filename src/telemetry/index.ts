/**
 * OpenTelemetry tracing for Baton runs: `telemetry()` for `start({ telemetry })` (spans as the
 * run happens, `traceparent` on model HTTP calls), `traceEvents` and `traceStoredRun` for runs
 * that were logged already. Spans follow the GenAI semantic conventions. Only
 * `@opentelemetry/api` is loaded, and only by this entry point: bring an SDK to export spans.
 * @module baton-ai/telemetry
 */
import "../require-supported-node.js";

export type { ModelCallRef, RunTelemetry } from "../core/ports/run-telemetry.js";
export { GenAIAttributes, GenAIOperations } from "./gen-ai-attributes.js";
export type { RunTracer, RunTracerOptions } from "./run-tracer.js";
export { telemetry } from "./telemetry.js";
export { traceEvents } from "./trace-events.js";
export { traceStoredRun } from "./trace-stored-run.js";
