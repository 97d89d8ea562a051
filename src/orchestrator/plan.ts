import { type FlexibleSchema, type JSONSchema7, jsonSchema } from "ai";
import { z } from "zod";
import type { PlanIssue } from "../patterns/index.js";
import { checkTasks, type DelegationTask, type TaskRequest } from "./check-tasks.js";

/** A plan as the designer returns it: new subagents, each with its tasks. */
export interface Plan {
  agents: PlannedAgent[];
}

export interface PlannedAgent {
  /** Letters, digits, `_` and `-`; unique, and not the name of an existing agent. */
  name: string;
  /** The subagent's system prompt. */
  instructions: string;
  /** Names from the orchestrator's `availableTools`: only what the agent needs. */
  tools: string[];
  tasks: PlannedTask[];
}

export interface PlannedTask {
  /** @default the agent's name, or `<agent>-<n>` when it has several tasks */
  id?: string;
  description: string;
  /** Task ids, or agent names (all of that agent's tasks), that must end first. */
  dependsOn?: string[];
}

const namePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * The plan's shape, checked by the AI SDK when the designer answers. It is lenient on
 * purpose (tool names are plain strings here): everything a designer can get wrong is
 * checked by `checkPlan` instead, so the designer gets the problems back and tries again.
 */
const lenientPlan = z.object({
  agents: z.array(
    z.object({
      name: z.string(),
      instructions: z.string(),
      tools: z.array(z.string()).default([]),
      tasks: z.array(
        z.object({
          id: z.string().optional().nullable(),
          description: z.string(),
          dependsOn: z.array(z.string()).optional().nullable(),
        }),
      ),
    }),
  ),
});

/**
 * The designer's structured output: the JSON schema the model sees lists the available
 * tool names as an `enum`, while validation stays lenient (see `checkPlan`).
 */
export function planSchema(availableTools: readonly string[]): FlexibleSchema<Plan> {
  const tools: JSONSchema7 =
    availableTools.length > 0
      ? {
          type: "array",
          items: { type: "string", enum: [...availableTools] },
          description: "Only the tools this agent needs, from the available tools.",
        }
      : {
          type: "array",
          items: { type: "string" },
          maxItems: 0,
          description: "No tools are available.",
        };
  const schema: JSONSchema7 = {
    type: "object",
    properties: {
      agents: {
        type: "array",
        minItems: 1,
        description: "The specialised subagents to create, each with its tasks.",
        items: {
          type: "object",
          properties: {
            name: {
              type: "string",
              description: "A short unique name: letters, digits, _ and -.",
            },
            instructions: {
              type: "string",
              description: "The subagent's instructions: its role, how to work, what to return.",
            },
            tools,
            tasks: {
              type: "array",
              minItems: 1,
              items: {
                type: "object",
                properties: {
                  id: { type: "string", description: "A unique task id (no spaces)." },
                  description: {
                    type: "string",
                    description: "What to do, with all the context needed.",
                  },
                  dependsOn: {
                    type: "array",
                    items: { type: "string" },
                    description: "Ids of tasks (or names of agents) whose results this task needs.",
                  },
                },
                required: ["description"],
                additionalProperties: false,
              },
            },
          },
          required: ["name", "instructions", "tools", "tasks"],
          additionalProperties: false,
        },
      },
    },
    required: ["agents"],
    additionalProperties: false,
  };
  return jsonSchema<Plan>(schema, {
    validate: (value) => {
      const parsed = lenientPlan.safeParse(value);
      return parsed.success
        ? { success: true, value: withoutNulls(parsed.data) }
        : { success: false, error: parsed.error };
    },
  });
}

function withoutNulls(plan: z.infer<typeof lenientPlan>): Plan {
  return {
    agents: plan.agents.map((agent) => ({
      ...agent,
      tasks: agent.tasks.map((task) => ({
        description: task.description,
        ...(typeof task.id === "string" && task.id !== "" ? { id: task.id } : {}),
        ...(Array.isArray(task.dependsOn) ? { dependsOn: task.dependsOn } : {}),
      })),
    })),
  };
}

/** A checked plan: its agents and the tasks to delegate. */
export interface CheckedPlan {
  agents: PlannedAgent[];
  tasks: DelegationTask[];
}

/**
 * Checks a plan against what the orchestrator allows: each agent gets only tools from
 * `availableTools`; names are well-formed, unique and not taken; every task belongs to a
 * new agent; dependencies name known tasks and form no cycle.
 */
export function checkPlan(
  plan: unknown,
  {
    availableTools,
    takenNames,
  }: { availableTools: readonly string[]; takenNames: ReadonlySet<string> },
): { plan: CheckedPlan; issues: [] } | { plan: undefined; issues: PlanIssue[] } {
  const parsed = lenientPlan.safeParse(plan);
  if (!parsed.success) {
    return {
      plan: undefined,
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path
          .map((segment, index) =>
            typeof segment === "number"
              ? `[${segment}]`
              : `${index === 0 ? "" : "."}${String(segment)}`,
          )
          .join(""),
        message: issue.message,
      })),
    };
  }
  const { agents } = withoutNulls(parsed.data);
  const issues: PlanIssue[] = [];
  const report = (path: string, message: string) => issues.push({ path, message });
  if (agents.length === 0) report("agents", "expected at least one subagent");
  const allowed = new Set(availableTools);
  const names = new Map<string, number>();
  for (const [index, agent] of agents.entries()) {
    const path = `agents[${index}]`;
    if (!namePattern.test(agent.name)) {
      report(
        `${path}.name`,
        `"${agent.name}" is not a valid name: start with a letter, then letters, digits, _ or - (at most 64)`,
      );
    } else if (takenNames.has(agent.name)) {
      report(`${path}.name`, `"${agent.name}" is already an agent's name: pick another`);
    } else if (names.has(agent.name)) {
      report(
        `${path}.name`,
        `"${agent.name}" is also the name of agents[${names.get(agent.name)}]`,
      );
    }
    if (!names.has(agent.name)) names.set(agent.name, index);
    if (agent.instructions.trim() === "") report(`${path}.instructions`, "expected instructions");
    const seen = new Set<string>();
    for (const [position, tool] of agent.tools.entries()) {
      if (!allowed.has(tool)) {
        report(
          `${path}.tools[${position}]`,
          `"${tool}" is not an available tool (available: ${availableTools.length > 0 ? availableTools.join(", ") : "none"})`,
        );
      } else if (seen.has(tool)) {
        report(`${path}.tools[${position}]`, `"${tool}" is listed twice`);
      }
      seen.add(tool);
    }
    if (agent.tasks.length === 0) report(`${path}.tasks`, "expected at least one task");
  }
  const entries: Array<{ task: TaskRequest; path: string }> = agents.flatMap((agent, index) =>
    agent.tasks.map((task, position) => ({
      task: { ...task, agent: agent.name, mode: "parallel" as const },
      path: `agents[${index}].tasks[${position}]`,
    })),
  );
  const checked = checkTasks(entries, { agents: new Set(names.keys()) });
  // Tasks are nested in their agents, so "unknown agent" cannot happen; other issues stand.
  issues.push(
    ...checked.issues.filter((issue) => !issue.path.endsWith(".agent") && issue.path !== "tasks"),
  );
  if (issues.length > 0) return { plan: undefined, issues };
  const tasks = checked.tasks.map((task) => ({
    ...task,
    mode: task.dependsOn.length > 0 ? ("sequential" as const) : ("parallel" as const),
  }));
  return { plan: { agents, tasks }, issues: [] };
}
