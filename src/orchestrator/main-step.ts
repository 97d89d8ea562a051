import {
  type Agent,
  type AgentInput,
  addCost,
  addUsage,
  attachSpend,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  type Runnable,
  type RunnableOptions,
  spendOf,
  type Usage,
} from "../index.js";
import { ProcessScope, withProcessScope } from "./process-scope.js";

/** What the main step records as its output. */
export interface MainStepOutput {
  text: string;
  /** The model that gave the final answer. */
  model: string;
  /** The main agent's spend plus every planning and delegation run's. */
  usage: Usage;
  cost: CostBreakdown;
}

/**
 * The `process()` run's only step: the main agent, run inside a process scope so its
 * orchestration tools can start planning and delegation workflows as child runs.
 *
 * It declares itself `kind: "workflow"` because it runs workflows: the engine then hands it
 * an `emit` linked to the run (its store, id generator and event stream), which the child
 * workflows use to log their own runs with `parentId` and to appear on the parent's
 * stream, exactly as a sub-workflow step's runs do.
 */
export function mainStep(main: Agent<unknown>): Runnable<AgentInput, MainStepOutput> {
  return {
    name: main.name,
    kind: "workflow",
    run: (input: AgentInput, options: RunnableOptions = {}) => {
      const scope = new ProcessScope(options);
      return withProcessScope(scope, async () => {
        let result: Awaited<ReturnType<typeof main.run>>;
        try {
          result = await main.run(input, options);
        } catch (error) {
          // A failed main step is billed too: the main agent's spend and its child runs'.
          const own = spendOf(error);
          throw attachSpend(error, {
            usage: addUsage(own?.usage ?? emptyUsage(), scope.usage),
            cost: addCost(own?.cost ?? emptyCost(), scope.cost),
          });
        }
        return {
          text: result.text,
          model: result.model,
          usage: addUsage(result.usage, scope.usage),
          cost: addCost(result.cost, scope.cost),
        };
      });
    },
  };
}
