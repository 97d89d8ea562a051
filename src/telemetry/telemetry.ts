import { RunTracer, type RunTracerOptions } from "./run-tracer.js";

/**
 * Traces runs with OpenTelemetry: pass the result to `start({ telemetry })` and the run, its
 * child runs, steps, agents, model calls and tool calls become spans following the GenAI
 * semantic conventions, and every model call's HTTP request carries the W3C `traceparent` of
 * its `chat` span. One object may trace any number of runs.
 *
 * Spans go to the tracer provider registered with `@opentelemetry/api` (or `options.tracer`);
 * with none registered, nothing is recorded and a run is declined as it starts: it costs what
 * a run without telemetry costs.
 *
 * @example
 * import { telemetry } from "baton-ai/telemetry";
 * const run = flow.start(input, { telemetry: telemetry() });
 * @example
 * const tracing = telemetry({ tracer: provider.getTracer("my-app") });
 * await flow.run(input, { telemetry: tracing });
 */
export function telemetry(options: RunTracerOptions = {}): RunTracer {
  return new RunTracer(options);
}
