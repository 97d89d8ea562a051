import { type Attributes, type HrTime, type Span, SpanStatusCode } from "@opentelemetry/api";
import type { SerializedError } from "../core/events.js";
import type { CostBreakdown, Usage } from "../core/usage.js";
import { GenAIAttributes as A } from "./gen-ai-attributes.js";

/** An event's time (ms since the epoch, from the run's clock) as OpenTelemetry's HrTime. */
export function spanTime(at: number): HrTime {
  const seconds = Math.floor(at / 1000);
  return [seconds, Math.round((at - seconds * 1000) * 1e6)];
}

/** Token counts and cents, where known (an unpriced model's cost is not a number). */
export function spendAttributes(
  usage: Usage | undefined,
  cost: CostBreakdown | undefined,
): Attributes {
  const attributes: Attributes = {};
  if (usage) {
    attributes[A.inputTokens] = usage.inputTokens;
    attributes[A.outputTokens] = usage.outputTokens;
  }
  if (typeof cost?.totalCents === "number") attributes[A.costCents] = cost.totalCents;
  return attributes;
}

/** Marks the span failed: error status, `error.type`, and the error as an `exception` event. */
export function failSpan(span: Span, error: SerializedError, at: number): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.setAttribute(A.errorType, errorType(error));
  span.recordException({ name: error.name, message: error.message }, spanTime(at));
}

/** A low-cardinality class of the error: the HTTP status, else Baton's error code, else its name. */
function errorType(error: SerializedError): string {
  if (error.statusCode !== undefined) return String(error.statusCode);
  return error.code ?? error.name;
}
