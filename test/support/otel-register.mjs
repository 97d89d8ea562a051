// Loaded with NODE_OPTIONS="--import <this file>": registers an OpenTelemetry tracer provider
// that exports over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT and is flushed as the process
// ends. The tracing part of what `--import @opentelemetry/auto-instrumentations-node/register`
// does, with the packages this repository has.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";

const provider = new TracerProvider({
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
});
trace.setGlobalTracerProvider(provider);
process.once("beforeExit", () => provider.shutdown());
