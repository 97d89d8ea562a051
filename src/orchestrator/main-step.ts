import type { Agent, AgentInput, StepFunction } from "../index.js";
import { ProcessScope } from "./process-scope.js";

/** What the main step records as its output (its usage and cost are on the step record). */
export interface MainStepOutput {
  text: string;
  /** The model that gave the final answer. */
  model: string;
}

/**
 * The `process()` run's only step: a function step that runs the main agent with
 * `context.run`, with a process scope kept in `scopes` under the run's id while it runs, so
 * its orchestration tools can start planning and delegation workflows as child runs of the
 * run (`ProcessScope.runChild`). The agent's
 * spend and the child runs' are billed to the step, failed runs included.
 */
export function mainStep(main: Agent<unknown>, scopes: Map<string, ProcessScope>): StepFunction {
  return async (step): Promise<MainStepOutput> => {
    const scope = new ProcessScope(step);
    scopes.set(step.runId, scope);
    try {
      const { text, model } = await step.run(main, step.input as AgentInput);
      return { text, model };
    } finally {
      if (scopes.get(step.runId) === scope) scopes.delete(step.runId);
    }
  };
}
