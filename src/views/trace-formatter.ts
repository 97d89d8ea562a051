import type { RunProgress } from "../core/events.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import type { CostBreakdown, Usage } from "../core/usage.js";
import { formatCents, formatDuration, oneLine } from "./format-values.js";

/**
 * Formats a run's events one at a time, as a log that is still growing (`baton show
 * --follow`) prints them: one line per event that matters to a reader (the run and its
 * steps starting and ending, each model call with tokens, cost and time, each tool call
 * with input and output, retries, fallbacks, approvals, budget breaches), undefined for an
 * event a reader skips. Times are offsets from the first event; lines under a step are
 * indented. Internal: the views read whole runs; this is for one event at a time.
 *
 * @example
 * // +0ms     run report started
 * // +1ms     step facts started
 * // +70ms      model simulated:researcher answered in 68ms: 30 in / 9 out tokens, 0.0000¢
 */
export function traceFormatter(): (event: LoggedEvent) => string | undefined {
  let first: number | undefined;
  // `tool-call-end` does not repeat the input its `tool-call-start` carried.
  const toolInputs = new Map<unknown, unknown>();
  return (event) => {
    first ??= event.at;
    if (event.type === "tool-call-start") toolInputs.set(event.toolCallId, event.input);
    const text = describeEvent(
      event.type.startsWith("tool-call-") && event.input === undefined
        ? { ...event, input: toolInputs.get(event.toolCallId) }
        : event,
    );
    if (text === undefined) return undefined;
    const offset = `+${formatDuration(event.at - first)}`.padEnd(9);
    const depth = event.type.startsWith("run-") ? 0 : event.type.startsWith("step-") ? 1 : 2;
    return `${offset}${"  ".repeat(depth)}${text}`;
  };
}

function describeEvent(event: LoggedEvent): string | undefined {
  const step = String(event.stepId ?? "");
  const error = event.error as { name?: string; message?: string } | undefined;
  const failure = error ? `${error.name ?? "Error"}: ${oneLine(error.message ?? "", 120)}` : "";
  switch (event.type) {
    case "run-start":
      return `run ${String(event.workflow ?? event.runId)} started`;
    case "run-resume":
      return "run resumed";
    case "run-end":
      return `run succeeded: ${oneLine(event.output, 100)}`;
    case "run-error":
      return `run failed: ${failure}`;
    case "run-cancel":
      return `run cancelled${event.reason ? `: ${String(event.reason)}` : ""}`;
    case "run-wait":
      return `run waiting (${String(event.reason)})`;
    case "step-start": {
      const attempt = Number(event.attempt ?? 1);
      const iteration = typeof event.iteration === "number" ? `, iteration ${event.iteration}` : "";
      return `step ${step} started${attempt > 1 ? ` (attempt ${attempt}${iteration})` : iteration ? ` (${iteration.slice(2)})` : ""}`;
    }
    case "step-end":
      return `step ${step} succeeded in ${formatDuration(Number(event.durationMs))}${spent(event.usage, event.cost)}${progressText(event)}`;
    case "step-error":
      return `step ${step} failed on attempt ${String(event.attempt)}${event.willRetry ? " (will retry)" : ""}: ${failure}${event.willRetry ? "" : progressText(event)}`;
    case "step-retry":
      return `step ${step} retries in ${formatDuration(Number(event.delayMs))} (attempt ${String(event.attempt)})`;
    case "step-skip":
      return `step ${step} skipped (${String(event.reason)})${progressText(event)}`;
    case "model-call-end":
      return `model ${String(event.model)} answered in ${formatDuration(Number(event.durationMs))}${spent(event.usage, event.cost)}`;
    case "model-call-error":
      return `model ${String(event.model)} failed (attempt ${String(event.attempt)}): ${failure}`;
    case "model-call-retry":
      return `model ${String(event.model)} retries in ${formatDuration(Number(event.delayMs))}`;
    case "model-call-fallback":
      return `model ${String(event.from)} -> fallback ${String(event.to)}`;
    case "tool-call-end": {
      const cost =
        typeof event.costCents === "number" && event.costCents > 0
          ? `, ${formatCents(event.costCents)}`
          : "";
      return `tool ${String(event.tool)}(${oneLine(event.input, 60)}) -> ${oneLine(event.output, 80)} (${formatDuration(Number(event.durationMs))}${cost})`;
    }
    case "tool-call-error":
      return `tool ${String(event.tool)}(${oneLine(event.input, 60)}) failed: ${failure}`;
    case "approval-request":
      return `approval requested for ${step}${event.message ? `: ${oneLine(event.message, 100)}` : ""}`;
    case "approval-decision":
      return `${event.approved ? "approved" : "rejected"} ${step}${event.comment ? `: ${oneLine(event.comment, 100)}` : ""}`;
    case "budget-exceeded":
      return `budget exceeded (${String(event.scope)}${event.agent ? ` ${String(event.agent)}` : ""}): ${String(event.action)}${event.switchTo ? ` to ${String(event.switchTo)}` : ""}`;
    case "circuit-open":
      return `circuit open for ${String(event.model)} after ${String(event.failures)} failures`;
    case "rate-limit-wait":
      return `rate limit: ${String(event.model)} waits ${formatDuration(Number(event.waitMs))}`;
    case "decomposition-start":
    case "decomposition-end":
    case "synthesis-start":
    case "synthesis-end":
    case "document-generation-start":
    case "document-generation-end":
      return event.type.replace(/-start$/, " started").replace(/-end$/, " ended");
    default:
      return undefined;
  }
}

/** ` · 1/2 steps, 50%`: the run's progress, when the event carries it. */
function progressText(event: LoggedEvent): string {
  const progress = event.progress as RunProgress | undefined;
  return progress ? ` · ${progress.completed}/${progress.total} steps, ${progress.percent}%` : "";
}

function spent(usage: unknown, cost: unknown): string {
  const tokens = usage as Usage | undefined;
  const cents = cost as CostBreakdown | undefined;
  if (!tokens && !cents) return "";
  const parts: string[] = [];
  if (tokens) parts.push(`${tokens.inputTokens} in / ${tokens.outputTokens} out tokens`);
  if (cents) parts.push(formatCents(cents.totalCents));
  return `: ${parts.join(", ")}`;
}
