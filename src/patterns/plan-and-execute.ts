import type { RetryOptions } from "../index.js";
import {
  defineOrchestration,
  type OrchestrationOutput,
  type SubtaskResult,
} from "./define-orchestration.js";
import { namedParticipants, outputOf, type Participant, textOf } from "./participant.js";
import { checkPatternOptions, planAndExecuteOptionsRule } from "./pattern-options-rules.js";
import type { PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { PlanError } from "./plan-error.js";
import { planProblems } from "./plan-problems.js";
import { readStructured } from "./read-structured.js";
import { type PlannedSubtask, planSchema } from "./schemas.js";

/** A worker the planner can assign: an agent, or an agent with a description for the planner. */
export type Worker = Participant | { agent: Participant; description: string };

export interface PlanAndExecuteOptions extends PatternOptions {
  /**
   * Breaks the task into subtasks: `planSchema` output (give it `output: planSchema`) or the
   * same JSON in text: `{ "subtasks": [{ "id", "agent", "task", "dependsOn": [ids] }] }`.
   */
  planner: Participant;
  /** The workers by name (an array names each after its agent). Every subtask names one. */
  agents: Readonly<Record<string, Worker>> | readonly Participant[];
  /** Writes the final answer from every subtask's result. @default the results, joined */
  synthesizer?: Participant;
  /** Subtasks running at once, at most. @default Infinity */
  maxParallel?: number;
  /** How a failed subtask is retried (retryable errors only). @default { maxAttempts: 3 } */
  retry?: RetryOptions | number;
  /** Fails a subtask that runs longer, in ms. @default none */
  timeout?: number;
}

export type PlanAndExecuteOutput = OrchestrationOutput<PlannedSubtask, unknown, string>;

/** The planner's input: the task, the agents, and the plan's format. */
export function planPrompt(
  task: string,
  workers: ReadonlyMap<string, { description?: string }>,
): string {
  const list = [...workers].map(
    ([name, worker]) => `- ${name}${worker.description ? `: ${worker.description}` : ""}`,
  );
  return [
    `Task: ${task}`,
    `Break the task into subtasks for these agents:\n${list.join("\n")}`,
    'Answer JSON {"subtasks": [{"id": "s1", "agent": "<agent name>", "task": "<what to do, with the context it needs>", "dependsOn": ["<ids of subtasks whose results it needs>"]}]}. Subtasks that depend on nothing run in parallel.',
  ].join("\n\n");
}

function subtaskPrompt(
  task: string,
  subtask: PlannedSubtask,
  dependencies: readonly SubtaskResult<PlannedSubtask>[],
): string {
  return [
    `Overall task: ${task}`,
    `Your subtask (${subtask.id}): ${subtask.task}`,
    ...(dependencies.length > 0
      ? [
          `Results of the subtasks it builds on:\n\n${dependencies
            .map(
              (dependency) =>
                `### ${dependency.id} (${dependency.subtask.agent})\n${dependency.text}`,
            )
            .join("\n\n")}`,
        ]
      : []),
  ].join("\n\n");
}

/**
 * A planner breaks the task into a dependency graph of subtasks for named agents; the graph
 * runs on the engine (one step per subtask, independent ones in parallel, each seeing its
 * dependencies' results); a synthesiser writes the answer. The plan is checked first:
 * unknown agents, unknown dependencies and cycles fail with a `PlanError`.
 * @example
 * const project = planAndExecute({
 *   planner: agent({ name: "planner", model, output: planSchema }),
 *   agents: { researcher, analyst, writer },
 *   synthesizer: editor,
 * });
 * const { output } = await project.run("A market report on home batteries");
 * output.subtasks; output.results; output.text;
 */
export function planAndExecute(
  options: PlanAndExecuteOptions,
): PatternWorkflow<PlanAndExecuteOutput> {
  const given = checkPatternOptions(planAndExecuteOptionsRule, options, "planAndExecute(options)");
  const { planner, synthesizer } = given;
  const workers = namedParticipants(given.agents);
  return defineOrchestration<PlannedSubtask, unknown, string>({
    name: given.name ?? "plan-and-execute",
    ...(given.maxParallel !== undefined ? { maxParallel: given.maxParallel } : {}),
    ...(given.retry !== undefined ? { retry: given.retry } : {}),
    ...(given.timeout !== undefined ? { timeout: given.timeout } : {}),
    decompose: async (task, { run }) => {
      const answer = await run(planner, planPrompt(task, workers));
      const plan = readStructured(answer, planSchema, {
        participant: planner.name,
        expected: "a plan { subtasks: [{ id, agent, task, dependsOn }] }",
      });
      const problems =
        plan.subtasks.length === 0 ? ["the plan has no subtasks"] : planProblems(plan.subtasks);
      for (const subtask of plan.subtasks) {
        if (!workers.has(subtask.agent)) {
          problems.push(
            `subtask "${subtask.id}" names the agent "${subtask.agent}", which is not one of ${[...workers.keys()].map((name) => `"${name}"`).join(", ")}`,
          );
        }
      }
      if (problems.length > 0)
        throw new PlanError("The plan cannot run", {
          issues: problems.map((message) => ({ path: "", message })),
        });
      return plan.subtasks;
    },
    executeSubtask: async (subtask, { run, task, dependencies }) => {
      const worker = workers.get(subtask.agent)!.agent;
      return outputOf(await run(worker, subtaskPrompt(task, subtask, dependencies)));
    },
    synthesize: async (results, { run, task }) => {
      const sections = results.map(
        (result) =>
          `### ${result.id} (${result.subtask.agent}): ${result.subtask.task}\n${result.text}`,
      );
      if (!synthesizer) return sections.join("\n\n");
      const answer = await run(
        synthesizer,
        [
          `Task: ${task}`,
          `Results of the subtasks:\n\n${sections.join("\n\n")}`,
          "Combine them into the final answer to the task.",
        ].join("\n\n"),
      );
      return textOf(answer);
    },
  });
}
