import type { SerializedError } from "../core/events.js";
import { checkOptions } from "../runtime/check-options.js";
import { agentRows } from "./cost-table.js";
import { formatCents, formatDuration, oneLine } from "./format-values.js";
import { reportOf } from "./run-report.js";
import { spendOf } from "./run-spend.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import { type RunView, type StepView, type ToolCallView, viewRun } from "./run-view.js";
import { callMark, plural, spendText, statusMark, tree } from "./text-format.js";
import { tableText } from "./text-table.js";
import { traceOptionsRule } from "./view-options-rules.js";

export interface ToolTraceOptions {
  /** Characters of each call's arguments, and of its result, shown at most. @default 60 */
  argumentChars?: number;
}

const failure = (error: SerializedError | undefined, chars: number) =>
  error ? oneLine(`${error.name}: ${error.message}`, chars) : "?";

function callLine(call: ToolCallView, chars: number, owner: string | undefined): string {
  const input = call.input === undefined ? "" : ` ${oneLine(call.input, chars)}`;
  const output = call.ok === true ? ` → ${oneLine(call.output ?? null, chars)}` : "";
  const parts = [`${callMark(call.ok)} ${call.tool}${input}${output}`];
  if (call.agent !== owner) parts.push(`by ${call.agent}`);
  if (call.durationMs !== undefined) parts.push(formatDuration(call.durationMs));
  if (call.costCents) parts.push(formatCents(call.costCents));
  if (call.ok === false && call.error) parts.push(oneLine(call.error.message, chars));
  return parts.join(" · ");
}

function callNode(call: ToolCallView, chars: number, owner: string | undefined): string[] {
  return [callLine(call, chars, owner), ...tree(call.runs.map((run) => runNode(run, chars)))];
}

/** What else happened in a step: failed attempts, approvals, budget breaches. */
function stepNotes(step: StepView, chars: number): string[] {
  const notes: string[] = [];
  for (const event of step.events) {
    if (event.type === "step-error" && event.willRetry) {
      notes.push(
        `attempt ${String(event.attempt)} failed: ${failure(event.error as SerializedError, chars)}`,
      );
    } else if (event.type === "approval-request") {
      notes.push(
        `approval requested${typeof event.message === "string" ? `: ${oneLine(event.message, chars)}` : ""}`,
      );
    } else if (event.type === "approval-decision") {
      notes.push(
        `${event.approved ? "approved" : "rejected"}${typeof event.comment === "string" ? `: ${oneLine(event.comment, chars)}` : ""}`,
      );
    } else if (event.type === "budget-exceeded") {
      notes.push(
        `budget exceeded (${String(event.scope)}): ${String(event.action)}${event.switchTo ? ` to ${String(event.switchTo)}` : ""}`,
      );
    }
  }
  const { record } = step;
  if ((record.status === "failed" || record.status === "cancelled") && record.error) {
    notes.push(`error: ${failure(record.error, chars)}`);
  }
  return notes;
}

/** What happened to a run as a whole: waits, resumptions, cancellation. */
function runNotes(run: RunView): string[] {
  const notes: string[] = [];
  for (const event of run.trace.events) {
    if (event.type === "run-wait") notes.push(`waited (${String(event.reason)})`);
    else if (event.type === "run-resume") notes.push("resumed");
    else if (event.type === "run-cancel") {
      notes.push(`cancelled${event.reason ? `: ${String(event.reason)}` : ""}`);
    }
  }
  return notes;
}

function stepNode(step: StepView, run: RunView, chars: number): string[] {
  const { record } = step;
  const agent = step.task?.agent ?? step.agents[0]?.agent;
  const model = record.model ?? step.agents.at(-1)?.model;
  const parts = [
    `${statusMark(record.status)} ${run.kind === "delegation" ? "task" : "step"} ${step.id}${
      agent && agent !== step.id ? ` → ${agent}` : ""
    }${model ? ` (${model})` : ""}`,
  ];
  if (record.status === "skipped") parts.push(`skipped (${record.skipReason ?? "?"})`);
  if (record.status === "waiting") parts.push("waiting for approval");
  if (record.startedAt !== undefined && record.endedAt !== undefined) {
    parts.push(formatDuration(record.endedAt - record.startedAt));
  }
  if (record.attempts > 1) parts.push(`${record.attempts} attempts`);
  const failedCalls = step.agents.reduce((sum, view) => sum + view.failedModelCalls, 0);
  if (failedCalls > 0) {
    const models = [...new Set(step.agents.map((view) => view.model).filter(Boolean))];
    parts.push(`${plural(failedCalls, "failed model call")}, answered by ${models.join(", ")}`);
  }
  if (step.agents.length > 0 || step.toolCalls.length > 0)
    parts.push(spendText(spendOf(step.events)));
  return [
    parts.join(" · "),
    ...tree([
      ...stepNotes(step, chars).map((note) => [note]),
      ...step.toolCalls.map((call) => callNode(call, chars, agent)),
      ...step.runs.map((sub) => runNode(sub, chars)),
    ]),
  ];
}

function runNode(run: RunView, chars: number): string[] {
  const { state } = run.trace;
  const spent = spendText(spendOf(run.trace.events));
  if (run.kind === "planning") {
    const attempts = run.steps[0]?.record.iterations ?? 0;
    const designer = run.steps[0]?.agents[0]?.agent ?? "designer";
    const rejected = run.rejections.length;
    const created = run.plannedAgents
      .map((agent) => `${agent.name} [${agent.tools.join(", ")}]`)
      .join(", ");
    return [
      `planning ${run.runId} · ${designer} · ${plural(attempts, "attempt")}${rejected > 0 ? ` (${rejected} rejected)` : ""}${created ? ` · created ${created}` : ""} · ${spent}`,
    ];
  }
  const notes = runNotes(run).map((note) => [note]);
  if (run.kind === "orchestrator") {
    const main = run.steps[0]?.agents[0]?.agent;
    return [
      `orchestrator ${run.workflow} ${run.runId} · ${state.status} · main agent ${main ?? "?"} · ${spent}`,
      ...tree([
        ...notes,
        ...run.steps.flatMap((step) => [
          ...stepNotes(step, chars).map((note) => [note]),
          ...step.toolCalls.map((call) => callNode(call, chars, main)),
        ]),
        ...run.runs.map((child) => runNode(child, chars)),
      ]),
    ];
  }
  const title = run.kind === "delegation" ? "delegation" : `workflow ${run.workflow}`;
  const steps = plural(run.steps.length, run.kind === "delegation" ? "task" : "step");
  return [
    `${title} ${run.runId} · ${state.status} · ${steps} · ${spent}`,
    ...tree([
      ...notes,
      ...run.steps.map((step) => stepNode(step, run, chars)),
      ...run.runs.map((child) => runNode(child, chars)),
    ]),
  ];
}

/** The trace's tree of runs, steps and calls (without the table under it). */
export function traceTree(root: RunView, chars = 60): string[] {
  return runNode(root, chars);
}

/** Tokens and cost (model and tool cents) per agent, and the total of the whole tree. */
function agentTable(root: RunView): string[] {
  const table = agentRows(reportOf(root));
  return table ? ["Tokens and cost per agent", tableText(table)] : [];
}

/**
 * A hierarchical trace of a run: each step (✓ succeeded, ✗ failed, ○ skipped, ⏸ waiting)
 * with its agent, model, time, attempts and spend; under it its failed attempts,
 * approvals and each tool call with ✓ or ✗, its arguments abridged, its duration and
 * cost; then the runs it started (sub-workflows; an orchestrator's planning and
 * delegation runs, under the tool call that started them). A table of tokens and cost per
 * agent follows; every cost counts model calls and what tools reported. Works on a live
 * run and on a stored one alike.
 * @example
 * console.log(await toolTrace({ store, runId }));
 */
export async function toolTrace(
  source: TraceSource,
  options: ToolTraceOptions = {},
): Promise<string> {
  checkOptions(traceOptionsRule, options, "toolTrace()");
  const { argumentChars: chars = 60 } = options;
  const root = viewRun(await loadRunTrace(source));
  const table = agentTable(root);
  return [...traceTree(root, chars), ...(table.length > 0 ? ["", ...table] : [])].join("\n");
}
