import type { StepResults } from "../index.js";
import { outputOf, type Participant, taskOf, textOf } from "./participant.js";
import { chainOfThoughtOptionsRule, checkPatternOptions } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";

export interface ChainOfThoughtOptions extends PatternOptions {
  /** Thinks each step through, then answers. */
  reasoner: Participant;
  /**
   * The reasoning steps: how many, or what each one is for.
   * @default 3
   * @example steps: ["List what is known", "Plan the calculation", "Do it and check it"]
   */
  steps?: number | readonly string[];
  /** Gives the final answer from the chain. @default the reasoner */
  answerer?: Participant;
}

/** One link of the chain. */
export interface Thought {
  /** 1 for the first. */
  step: number;
  /** What the step was for, when `steps` named it. */
  instruction?: string;
  text: string;
}

export interface ChainOfThoughtOutput {
  /** Every reasoning step, in order. */
  chain: Thought[];
  /** The final answer. */
  answer: string;
  /** The final answer's output (structured when the answerer has a schema). */
  output: unknown;
  /** The final answer, as text. */
  text: string;
}

/**
 * Reasons in explicit steps, one model call each (each sees the chain so far), then answers
 * from the whole chain. Every step is a logged, resumable workflow step.
 * @example
 * const solver = chainOfThought({ reasoner: mathematician, steps: ["Knowns", "Plan", "Solve"] });
 * const { output } = await solver.run("A train leaves at 9:40 ...");
 * output.chain; output.answer;
 */
export function chainOfThought(
  options: ChainOfThoughtOptions,
): PatternWorkflow<ChainOfThoughtOutput> {
  const {
    name = "chain-of-thought",
    reasoner,
    answerer = reasoner,
    steps = 3,
  } = checkPatternOptions(chainOfThoughtOptionsRule, options, "chainOfThought(options)");
  const instructions: ReadonlyArray<string | undefined> =
    typeof steps === "number" ? Array.from({ length: steps }, () => undefined) : steps;
  const count = instructions.length;
  const chainOf = (results: StepResults, upTo: number): Thought[] =>
    instructions.slice(0, upTo).map((instruction, index) => ({
      step: index + 1,
      ...(instruction !== undefined ? { instruction } : {}),
      text: textOf(results[`think-${index + 1}`]),
    }));
  const render = (chain: readonly Thought[]) =>
    chain
      .map(
        (thought) =>
          `Step ${thought.step}${thought.instruction ? ` (${thought.instruction})` : ""}: ${thought.text}`,
      )
      .join("\n\n");

  const flow = new PatternWorkflow<ChainOfThoughtOutput>(name, {
    output: (results) => {
      const answer = textOf(results.answer);
      return {
        chain: chainOf(results, count),
        answer,
        output: outputOf(results.answer),
        text: answer,
      };
    },
  });
  instructions.forEach((instruction, index) => {
    const step = index + 1;
    flow.step(`think-${step}`, reasoner, {
      ...(step > 1 ? { dependsOn: [`think-${step - 1}`] } : {}),
      input: ({ input, results }) => {
        const chain = chainOf(results, index);
        return [
          `Problem: ${taskOf(input)}`,
          ...(chain.length > 0 ? [`Your reasoning so far:\n\n${render(chain)}`] : []),
          `Reasoning step ${step} of ${count}${instruction ? `: ${instruction}` : ""}. Think this step through only; do not give the final answer yet.`,
        ].join("\n\n");
      },
    });
  });
  flow.step("answer", answerer, {
    dependsOn: [`think-${count}`],
    input: ({ input, results }) =>
      [
        `Problem: ${taskOf(input)}`,
        `Your reasoning:\n\n${render(chainOf(results, count))}`,
        "Now give the final answer, concisely.",
      ].join("\n\n"),
  });
  return flow;
}
