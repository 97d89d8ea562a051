import type { BatonEvent } from "../events.js";

/**
 * What watches a run as it happens, for tracing (`telemetry()` of `baton-ai/telemetry` turns
 * the events into OpenTelemetry spans). Given to `start({ telemetry })`, it sees every event
 * of the run and of its child runs (sub-workflows, delegations, pattern branches), and lends
 * each model call the trace context its HTTP request carries. Core knows nothing more of it.
 */
export interface RunTelemetry {
  /**
   * Receives each event as the run logs it (secrets redacted), in order, before it is stored.
   * It runs on the run's own path: it must be quick and must not throw. Returning `false`
   * declines the run (it is not traced, e.g. no tracer provider is registered): the run shows
   * it nothing more, and its steps and child runs go without it.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a telemetry that never declines returns nothing
  observe(event: BatonEvent): boolean | void;
  /**
   * Headers for the HTTP request of the model call whose `model-call-start` was just
   * observed (a W3C `traceparent`, and `tracestate` when there is one), or `undefined`.
   */
  modelCallHeaders(call: ModelCallRef): Record<string, string> | undefined;
}

/** Which model call `RunTelemetry.modelCallHeaders` is asked about. */
export interface ModelCallRef {
  runId: string;
  stepId: string;
  agent: string;
  /** `provider:model-id`, as in the call's events. */
  model: string;
  attempt: number;
}
