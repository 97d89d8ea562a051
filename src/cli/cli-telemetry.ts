import type { RunTelemetry } from "../core/ports/run-telemetry.js";

/**
 * What traces the runs a command starts or resumes: `telemetry()` of baton-ai/telemetry, on
 * the OpenTelemetry tracer provider registered in the process (for instance by
 * `NODE_OPTIONS="--import @opentelemetry/auto-instrumentations-node/register"`, which reads
 * `OTEL_EXPORTER_OTLP_ENDPOINT` and the other `OTEL_*` variables). With none registered it
 * records nothing and costs nothing (see docs/tracing.md).
 */
export async function cliTelemetry(): Promise<RunTelemetry> {
  const { telemetry } = await import("../telemetry/index.js");
  return telemetry();
}
