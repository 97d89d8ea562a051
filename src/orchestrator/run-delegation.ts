import type { ToolSet } from "ai";
import {
  type Agent,
  type RetryOptions,
  type StepResults,
  WorkflowError,
  type WorkflowResult,
  workflow,
} from "../index.js";
import type { DelegationTask } from "./check-tasks.js";
import type { Subagent } from "./orchestrator-options.js";
import type { Plan, PlannedAgent } from "./plan.js";
import type { ProcessScope } from "./process-scope.js";

/** What the orchestration tools need from their orchestrator (internal). */
export interface OrchestratorRuntime {
  readonly name: string;
  readonly mainAgentName: string;
  readonly designer: Agent<Plan>;
  readonly availableTools: ToolSet;
  /** Registered subagents by name (live: registerSubagent adds to it). */
  readonly subagents: ReadonlyMap<string, Subagent>;
  /** What each registered subagent does, as the main agent is told. */
  readonly descriptions: ReadonlyMap<string, string>;
  readonly maxParallelTasks: number;
  readonly maxPlanAttempts: number;
  /** Step options for every delegated task. */
  readonly taskOptions: {
    retry?: RetryOptions | number;
    timeout?: number;
    fallbackModels?: readonly string[];
  };
  /** Creates the agent a plan describes. */
  createSubagent(planned: PlannedAgent): Agent<unknown>;
  /** The scopes of the `process()` runs live in this orchestrator, by run id. */
  readonly scopes: Map<string, ProcessScope>;
}

/** How one delegated task ended. */
export interface TaskOutcome {
  id: string;
  agent: string;
  status: "succeeded" | "failed" | "skipped" | "cancelled" | "pending" | "running" | "waiting";
  /** The subagent's answer: its text, or its structured output. */
  output?: unknown;
  error?: string;
}

/** What a delegation returns to the main agent. */
export interface DelegationOutcome {
  /** The delegation workflow's run (a child of the `process()` run). */
  runId: string;
  status: WorkflowResult["status"];
  tasks: TaskOutcome[];
}

/** What a delegation run records as its input (and `flowchart` reads back). */
export interface DelegationInput {
  kind: "delegation";
  source: "delegate" | "plan";
  /** The main agent's tool call that started the delegation. */
  toolCallId: string;
  tasks: DelegationTask[];
}

function answerOf(result: unknown): unknown {
  if (typeof result !== "object" || result === null) return result;
  const record = result as { output?: unknown; text?: unknown };
  return record.output !== undefined ? record.output : record.text;
}

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function taskPrompt(task: DelegationTask, results: StepResults, byId: Map<string, DelegationTask>) {
  if (task.dependsOn.length === 0) return task.description;
  const earlier = task.dependsOn.map((id) => {
    const agent = byId.get(id)?.agent ?? "?";
    return `## ${id} (${agent})\n${asText(answerOf(results[id]))}`;
  });
  return `${task.description}\n\nResults of the tasks this one builds on:\n\n${earlier.join("\n\n")}`;
}

/**
 * Runs checked tasks as a workflow on the engine: one step per task, `dependsOn` from the
 * task dependencies, at most `maxParallelTasks` at once, under the `process()` run's gate
 * (budgets, rate limits, breakers) and store, as a child run of it billed to its main step.
 * A failed task does not stop independent ones; the main agent gets every task's outcome.
 */
export async function runDelegation(
  input: DelegationInput,
  {
    runtime,
    scope,
    signal,
  }: { runtime: OrchestratorRuntime; scope: ProcessScope; signal: AbortSignal | undefined },
): Promise<DelegationOutcome> {
  const byId = new Map(input.tasks.map((task) => [task.id, task]));
  const flow = workflow<DelegationInput>("delegation", {
    failureMode: "continue",
    concurrency: runtime.maxParallelTasks,
  });
  const { retry, timeout } = runtime.taskOptions;
  for (const task of input.tasks) {
    const target = scope.planned.get(task.agent) ?? runtime.subagents.get(task.agent);
    if (!target) throw new TypeError(`runDelegation: no agent "${task.agent}"`);
    flow.step(task.id, target, {
      dependsOn: task.dependsOn,
      input: ({ results }) => taskPrompt(task, results, byId),
      ...(retry !== undefined ? { retry } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
    });
  }
  const { fallbackModels } = runtime.taskOptions;
  let result: WorkflowResult;
  try {
    result = await scope.runChild(flow, input, {
      signal,
      fallbackModels,
      key: `${input.toolCallId}.delegation`,
    });
  } catch (error) {
    if (!WorkflowError.isInstance(error)) throw error;
    // A cancelled or paused delegation stops the process; failed tasks are reported instead.
    if (error.status !== "failed") throw error;
    return outcomeOf(error.result, input.tasks);
  }
  return outcomeOf(result, input.tasks);
}

function outcomeOf(result: WorkflowResult, tasks: readonly DelegationTask[]): DelegationOutcome {
  return {
    runId: result.runId,
    status: result.status,
    tasks: tasks.map((task) => {
      const step = result.steps[task.id];
      const outcome: TaskOutcome = {
        id: task.id,
        agent: task.agent,
        status: step?.status ?? "pending",
      };
      if (step?.status === "succeeded") outcome.output = answerOf(step.output);
      if (step?.error) outcome.error = step.error.message;
      if (step?.status === "skipped") outcome.error = `skipped (${step.skipReason ?? "?"})`;
      return outcome;
    }),
  };
}
