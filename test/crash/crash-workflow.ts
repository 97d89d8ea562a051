import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import type { Workflow } from "../../src/core/workflow/workflow.js";
import { workflow } from "../../src/runtime/workflow.js";

/** Steps in the crash test's chain. */
export const stepCount = 200;

/** What each step returns: the mark its execution wrote, and the chain's value so far. */
export interface StepOutput {
  mark: string;
  value: number;
}

/**
 * The crash test's workflow: a chain of 200 steps. Each execution of a step first appends
 * `<stepId> <mark>` to the effects file (its side effect; the mark is fresh for every
 * execution), waits `stepMs`, then returns `{ mark, value }`, where value is a pure function
 * of the previous step's value. The run's output is the last value: the same whatever
 * crashes happen, since marks do not enter it.
 */
export function crashWorkflow(effectsPath: string, stepMs = 2): Workflow<number> {
  const flow = workflow<number>("crash-chain", {
    output: (results) => ({
      value: (results[`s${stepCount - 1}`] as StepOutput).value,
      steps: stepCount,
    }),
  });
  for (let index = 0; index < stepCount; index++) {
    const id = `s${index}`;
    flow.step(
      id,
      async ({ input, results }) => {
        const mark = randomUUID();
        appendFileSync(effectsPath, `${id} ${mark}\n`);
        await new Promise((resolve) => setTimeout(resolve, stepMs));
        const previous = index === 0 ? input : (results[`s${index - 1}`] as StepOutput).value;
        return { mark, value: (previous * 31 + index) % 1_000_000_007 } satisfies StepOutput;
      },
      index === 0 ? {} : { dependsOn: [`s${index - 1}`] },
    );
  }
  return flow;
}
