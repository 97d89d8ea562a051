import type { BatonEvent, RunProgress } from "../core/events.js";
import { formatCents, formatDuration, oneLine } from "../views/format-values.js";
import type { CliStream } from "./cli-context.js";

/** ` (2/3 tasks, 66%)`: a delegation's progress, from its events. */
function tasksDone(progress: RunProgress | undefined): string {
  return progress ? ` (${progress.completed}/${progress.total} tasks, ${progress.percent}%)` : "";
}

/**
 * Follows an orchestrator run as plain lines on `stream`: planning (attempts, rejected
 * plans, the subagents created), each delegated task starting and ending with its
 * delegation's progress (tasks ended of all, and the percentage), tool calls and
 * retries, fallbacks, and how the run ended. Child runs are named by their workflow
 * (`[planning]`, `[delegation]`).
 */
export async function orchestratorProgress(
  events: AsyncIterable<BatonEvent>,
  stream: CliStream,
): Promise<void> {
  const workflows = new Map<string, string>();
  let rootId: string | undefined;
  let cents = 0;
  let unpriced = false;
  const write = (line: string) => stream.write(`${line}\n`);
  for await (const event of events) {
    const isRoot = rootId === undefined || event.runId === rootId;
    const where = isRoot ? "" : `[${workflows.get(event.runId) ?? event.runId}] `;
    switch (event.type) {
      case "run-start":
        workflows.set(event.runId, event.workflow);
        if (rootId === undefined) {
          rootId = event.runId;
          write(`run ${event.workflow} started`);
        }
        break;
      case "decomposition-start":
        write("planning: the designer plans new subagents");
        break;
      case "custom:plan-rejected": {
        const data = event.data as {
          attempt?: number;
          issues?: Array<{ path?: string; message?: string }>;
        };
        const issues = (data?.issues ?? []).map((issue) => `${issue.path}: ${issue.message}`);
        write(
          `planning: plan ${data?.attempt ?? "?"} rejected (${oneLine(issues.join("; "), 160)})`,
        );
        break;
      }
      case "decomposition-end": {
        const agents = Array.isArray(event.agents)
          ? (event.agents as Array<{ name?: string; tools?: string[] }>)
          : [];
        write(
          event.ok === false
            ? "planning failed"
            : `planning: created ${agents.map((agent) => `${agent.name} (tools: ${agent.tools?.join(", ") || "none"})`).join(", ") || "no subagents"}`,
        );
        break;
      }
      case "step-start":
        if (!isRoot)
          write(
            `${where}task ${event.stepId} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ""}`,
          );
        break;
      case "step-end":
        if (!isRoot)
          write(
            `${where}task ${event.stepId} done in ${formatDuration(event.durationMs)}${tasksDone(event.progress)}`,
          );
        break;
      case "step-error":
        if (!isRoot || !event.willRetry)
          write(
            `${where}task ${event.stepId} failed on attempt ${event.attempt}${event.willRetry ? " (will retry)" : ""}: ${oneLine(event.error.message, 120)}${event.willRetry ? "" : tasksDone(event.progress)}`,
          );
        break;
      case "model-call-end":
        if (event.cost.modelCents === null) unpriced = true;
        else cents += event.cost.modelCents;
        break;
      case "model-call-error":
        if (event.cost?.modelCents === null) unpriced = true;
        else cents += event.cost?.modelCents ?? 0;
        write(
          `${where}${event.agent}: ${event.model} failed (attempt ${event.attempt}): ${oneLine(event.error.message, 120)}`,
        );
        break;
      case "model-call-fallback":
        write(`${where}${event.agent}: falling back from ${event.from} to ${event.to}`);
        break;
      case "tool-call-end":
        cents += event.costCents ?? 0;
        write(`${where}${event.agent} called ${event.tool} (${formatDuration(event.durationMs)})`);
        break;
      case "tool-call-error":
        write(
          `${where}${event.agent} called ${event.tool}: failed: ${oneLine(event.error.message, 120)}`,
        );
        break;
      case "run-end":
      case "run-error":
      case "run-cancel":
      case "run-wait":
        if (event.runId === rootId) {
          const status = {
            "run-end": "succeeded",
            "run-error": "failed",
            "run-cancel": "cancelled",
            "run-wait": "waiting",
          }[event.type];
          write(
            `run ${workflows.get(event.runId)} ${status}, cost ${formatCents(cents, { partial: unpriced })}${unpriced ? " (some prices unknown)" : ""}`,
          );
        }
        break;
    }
  }
}
