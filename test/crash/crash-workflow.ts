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

/** The shape of a crash test's chain. */
export interface ChainOptions {
  /** How long each step sleeps. @default 2 */
  stepMs?: number;
  /** @default stepCount */
  steps?: number;
  /** @default "crash-chain" */
  name?: string;
}

/**
 * The crash test's workflow: a chain of 200 steps. Each execution of a step first appends
 * `<stepId> <mark> <pid>` to the effects file (its side effect; the mark is fresh for every
 * execution, the pid says which life ran it), waits `stepMs`, then returns `{ mark, value }`,
 * where value is a pure function of the previous step's value. The run's output is the last
 * value: the same whatever crashes happen, since marks do not enter it.
 */
export function crashWorkflow(
  effectsPath: string,
  { stepMs = 2, steps = stepCount, name = "crash-chain" }: ChainOptions = {},
): Workflow<number> {
  const flow = workflow<number>(name, {
    output: (results) => ({
      value: (results[`s${steps - 1}`] as StepOutput).value,
      steps,
    }),
  });
  for (let index = 0; index < steps; index++) {
    const id = `s${index}`;
    flow.step(
      id,
      async ({ input, results }) => {
        const mark = randomUUID();
        appendFileSync(effectsPath, `${id} ${mark} ${process.pid}\n`);
        await new Promise((resolve) => setTimeout(resolve, stepMs));
        const previous = index === 0 ? input : (results[`s${index - 1}`] as StepOutput).value;
        return { mark, value: (previous * 31 + index) % 1_000_000_007 } satisfies StepOutput;
      },
      index === 0 ? {} : { dependsOn: [`s${index - 1}`] },
    );
  }
  return flow;
}

/** Steps in the sub-workflow crash test's child chain. */
export const childStepCount = 40;

/**
 * The sub-workflow crash test's workflow: `prep`, then `sub` (a chain of 40 steps of 50 ms,
 * `crashWorkflow`'s kind, run as a sub-workflow: a child run), then `after`.
 */
export function parentWorkflow(effectsPath: string, stepMs = 50): Workflow<number> {
  const sub = crashWorkflow(effectsPath, { stepMs, steps: childStepCount, name: "child-chain" });
  return workflow<number>("parent-chain", {
    output: (results) => results.after,
  })
    .step("prep", async ({ input }) => input + 1)
    .step("sub", sub, { dependsOn: ["prep"], input: ({ results }) => results.prep })
    .step(
      "after",
      async ({ results }) => `value ${(results.sub.output as { value: number }).value}`,
      { dependsOn: ["sub"] },
    );
}
