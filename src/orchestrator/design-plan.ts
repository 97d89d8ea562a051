import { type AgentResult, workflow } from "../index.js";
import { PlanError, type PlanIssue } from "../patterns/index.js";
import { type CheckedPlan, checkPlan, type Plan } from "./plan.js";
import type { ProcessScope } from "./process-scope.js";
import type { OrchestratorRuntime } from "./run-delegation.js";

/** What a planning run records as its input. */
export interface PlanningInput {
  kind: "planning";
  toolCallId: string;
  goal: string;
}

/** A plan the designer produced and the orchestrator accepted. */
export interface DesignedPlan {
  plan: CheckedPlan;
  /** The planning workflow's run (a child of the `process()` run). */
  runId: string;
  /** Designer calls made, the accepted one included. */
  attempts: number;
}

function feedback(issues: readonly PlanIssue[]): string {
  return [
    "Your previous plan was rejected. Fix every problem below and return the whole plan again.",
    ...issues.map((issue) => `- ${issue.path || "(plan)"}: ${issue.message}`),
  ].join("\n");
}

/**
 * Asks the designer model for a plan, as a workflow on the engine (a child run of the
 * `process()` run). The designer step loops: a plan that fails `checkPlan` goes back to the
 * designer with its problems, up to `maxPlanAttempts` times; each rejection is logged as a
 * `custom:plan-rejected` event. Throws `PlanError` when the last plan is still invalid.
 */
export async function designPlan(
  goal: string,
  {
    runtime,
    scope,
    signal,
    toolCallId,
  }: {
    runtime: OrchestratorRuntime;
    scope: ProcessScope;
    signal: AbortSignal | undefined;
    toolCallId: string;
  },
): Promise<DesignedPlan> {
  const availableTools = Object.keys(runtime.availableTools);
  const takenNames = new Set([
    runtime.mainAgentName,
    runtime.designer.name,
    ...runtime.subagents.keys(),
    ...scope.planned.keys(),
  ]);
  const verdicts = new WeakMap<object, PlanIssue[]>();
  const issuesOf = (result: AgentResult<Plan>): PlanIssue[] => {
    let issues = verdicts.get(result);
    if (!issues) {
      issues = checkPlan(result.output, { availableTools, takenNames }).issues;
      verdicts.set(result, issues);
    }
    return issues;
  };
  const request = [
    `Goal:\n${goal}`,
    `Names already taken (do not use them): ${[...takenNames].join(", ")}.`,
  ].join("\n\n");
  const { emit } = scope.step;
  const flow = workflow<PlanningInput>("planning").step("design", runtime.designer, {
    input: ({ previous }) => {
      const rejected = previous as AgentResult<Plan> | undefined;
      return rejected ? `${request}\n\n${feedback(issuesOf(rejected))}` : request;
    },
    loop: {
      until: ({ output, iteration }) => {
        const issues = issuesOf(output as AgentResult<Plan>);
        if (issues.length > 0) {
          emit({
            type: "custom:plan-rejected",
            data: { toolCallId, attempt: iteration, issues },
          });
        }
        return issues.length === 0;
      },
      maxIterations: runtime.maxPlanAttempts,
    },
  });
  const result = await scope.runChild(
    flow,
    { kind: "planning", toolCallId, goal },
    { signal, key: `${toolCallId}.planning` },
  );
  const attempts = result.steps.design?.iterations ?? 0;
  const checked = checkPlan((result.output as AgentResult<Plan>).output, {
    availableTools,
    takenNames,
  });
  if (!checked.plan) {
    throw new PlanError(
      `The designer's plan was still invalid after ${attempts} attempt${attempts === 1 ? "" : "s"}`,
      { issues: checked.issues, attempts, usage: result.usage, cost: result.cost },
    );
  }
  return { plan: checked.plan, runId: result.runId, attempts };
}
