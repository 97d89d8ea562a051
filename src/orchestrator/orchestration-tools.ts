import { type JSONSchema7, jsonSchema, type Tool, type ToolSet, tool } from "ai";
import { z } from "zod";
import { isRerun, rerunOnResume } from "../engine/index.js";
import { PlanError } from "../patterns/index.js";
import { checkTasks, type TaskRequest } from "./check-tasks.js";
import { designPlan } from "./design-plan.js";
import { processScopeOf } from "./process-scope.js";
import {
  type DelegationOutcome,
  type OrchestratorRuntime,
  runDelegation,
} from "./run-delegation.js";

/** The tool names the main agent gets. */
export const DELEGATE_TOOL = "delegate_to_subagents";
export const PLAN_TOOL = "plan_and_create_subagents";

export interface DelegateInput {
  tasks: TaskRequest[];
}

export interface PlanInput {
  goal: string;
}

/** What `plan_and_create_subagents` returns to the main agent. */
export interface PlanOutcome extends DelegationOutcome {
  /** The planning workflow's run. */
  planRunId: string;
  /** The subagents created, with the tools each was given. */
  subagents: Array<{ name: string; tools: string[] }>;
}

const delegateShape = z.object({
  tasks: z.array(
    z.object({
      id: z.string().optional().nullable(),
      agent: z.string(),
      description: z.string(),
      mode: z.enum(["parallel", "sequential"]).optional().nullable(),
      dependsOn: z.array(z.string()).optional().nullable(),
    }),
  ),
});

function delegateSchema(agentNames: readonly string[]) {
  const schema: JSONSchema7 = {
    type: "object",
    properties: {
      tasks: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          properties: {
            id: { type: "string", description: "A unique task id (no spaces)." },
            agent: {
              type: "string",
              description: "The subagent that does the task.",
              ...(agentNames.length > 0 ? { enum: [...agentNames] } : {}),
            },
            description: {
              type: "string",
              description: "What to do, with all the context the subagent needs.",
            },
            mode: {
              type: "string",
              enum: ["parallel", "sequential"],
              description:
                "parallel (default): runs as soon as its dependencies end; sequential: also waits for the task listed before it.",
            },
            dependsOn: {
              type: "array",
              items: { type: "string" },
              description: "Ids of tasks whose results this task needs.",
            },
          },
          required: ["agent", "description"],
          additionalProperties: false,
        },
      },
    },
    required: ["tasks"],
    additionalProperties: false,
  };
  // The enum is a hint: subagents planned during the run are valid too, so names are checked on execution.
  return jsonSchema<DelegateInput>(schema, {
    validate: (value) => {
      const parsed = delegateShape.safeParse(value);
      if (!parsed.success) return { success: false, error: parsed.error };
      const tasks = parsed.data.tasks.map((task) => ({
        agent: task.agent,
        description: task.description,
        ...(task.id ? { id: task.id } : {}),
        ...(task.mode ? { mode: task.mode } : {}),
        ...(task.dependsOn ? { dependsOn: task.dependsOn } : {}),
      }));
      return { success: true, value: { tasks } };
    },
  });
}

function describeSubagents(runtime: OrchestratorRuntime): string {
  const lines = [...runtime.subagents.keys()].map((name) => {
    const description = runtime.descriptions.get(name);
    return `- ${name}${description ? `: ${description}` : ""}`;
  });
  return lines.length > 0 ? lines.join("\n") : "(none registered)";
}

/**
 * `delegate_to_subagents`: hands tasks to subagents (registered ones, or ones planned
 * earlier in the same run) and runs them as a workflow. Its description and the agent
 * names it offers are read at the start of each main-agent run, so subagents registered
 * later are offered too. When a resumed main agent replays the turn that called it, it runs
 * again and finds its delegation run (`rerunOnResume`): a finished one gives its recorded
 * result, an interrupted one resumes.
 */
function delegateTool(runtime: OrchestratorRuntime): Tool<DelegateInput, DelegationOutcome> {
  const delegate: Tool<DelegateInput, DelegationOutcome> = tool({
    description: "",
    inputSchema: delegateSchema([]),
    execute: async (input: DelegateInput, toolOptions) => {
      const { toolCallId, abortSignal } = toolOptions;
      const scope = processScopeOf(runtime.scopes, toolOptions, DELEGATE_TOOL);
      const agents = new Set([...runtime.subagents.keys(), ...scope.planned.keys()]);
      const checked = checkTasks(
        input.tasks.map((task, index) => ({ task, path: `tasks[${index}]` })),
        { agents },
      );
      if (checked.issues.length > 0) {
        throw new PlanError("The delegation is invalid", { issues: checked.issues });
      }
      return runDelegation(
        { kind: "delegation", source: "delegate", toolCallId, tasks: checked.tasks },
        { runtime, scope, signal: abortSignal },
      );
    },
  });
  return Object.defineProperties(rerunOnResume(delegate), {
    description: {
      enumerable: true,
      get: () =>
        "Hands tasks to subagents and returns each task's result. Tasks run in parallel " +
        "(at most a few at once) unless they depend on others; a task that needs another's " +
        "result lists it in dependsOn, or uses mode sequential to follow the task before it.\n" +
        `Subagents:\n${describeSubagents(runtime)}\n` +
        "Subagents designed earlier in this conversation can be given tasks too.",
    },
    inputSchema: {
      enumerable: true,
      get: () => delegateSchema([...runtime.subagents.keys()]),
    },
  });
}

/**
 * `plan_and_create_subagents`: asks the designer model for new subagents (with only the
 * tools they need) and their tasks, checks the plan, creates the subagents and runs the
 * tasks as a workflow. A resumed main agent runs it again (`rerunOnResume`): it finds its
 * planning and delegation runs and creates the planned subagents again, which later
 * delegations of the run may name.
 */
function planTool(runtime: OrchestratorRuntime): Tool<PlanInput, PlanOutcome> {
  const plan: Tool<PlanInput, PlanOutcome> = tool({
    description:
      "Plans how to reach a goal with a team of new, specialised subagents: designs them " +
      "(each with only the tools it needs) and their tasks, creates them, runs the tasks " +
      "and returns every result. Use it when no existing subagent fits the work.",
    inputSchema: z.object({
      goal: z
        .string()
        .describe("What the subagents should achieve together, with all the context they need."),
    }),
    execute: async ({ goal }, toolOptions): Promise<PlanOutcome> => {
      const { toolCallId, abortSignal } = toolOptions;
      const scope = processScopeOf(runtime.scopes, toolOptions, PLAN_TOOL);
      // Running again for a call that ended before: its decomposition events are logged.
      const emit = isRerun(toolOptions) ? () => {} : scope.step.emit;
      emit({ type: "decomposition-start", toolCallId, goal });
      let designed: Awaited<ReturnType<typeof designPlan>>;
      try {
        designed = await designPlan(goal, { runtime, scope, signal: abortSignal, toolCallId });
      } catch (error) {
        emit({
          type: "decomposition-end",
          toolCallId,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
      const { plan, runId: planRunId, attempts } = designed;
      for (const planned of plan.agents) {
        scope.planned.set(planned.name, runtime.createSubagent(planned));
      }
      const subagents = plan.agents.map((planned) => ({
        name: planned.name,
        tools: planned.tools,
      }));
      emit({
        type: "decomposition-end",
        toolCallId,
        ok: true,
        planRunId,
        attempts,
        agents: plan.agents.map(({ name, tools, instructions }) => ({ name, tools, instructions })),
        tasks: plan.tasks,
      });
      const outcome = await runDelegation(
        { kind: "delegation", source: "plan", toolCallId, tasks: plan.tasks },
        { runtime, scope, signal: abortSignal },
      );
      return { planRunId, subagents, ...outcome };
    },
  });
  return rerunOnResume(plan);
}

/** The two tools the orchestrator gives its main agent. */
export function orchestrationTools(runtime: OrchestratorRuntime): ToolSet {
  return { [DELEGATE_TOOL]: delegateTool(runtime), [PLAN_TOOL]: planTool(runtime) };
}
