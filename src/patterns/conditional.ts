import type { StepContext } from "../index.js";
import {
  checkParticipant,
  describeValue,
  isParticipant,
  outputOf,
  type Participant,
  taskOf,
  textOf,
} from "./participant.js";
import { checkPatternOptions, conditionalOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { leadingWord, readStructured } from "./read-structured.js";
import { conditionSchema } from "./schemas.js";

/** Decides a branch from the task. */
export type ConditionFunction = (
  task: string,
  context: { signal: AbortSignal },
) => boolean | Promise<boolean>;

export interface ConditionalOptions extends PatternOptions {}

export interface ConditionalOutput {
  /** What the condition said. */
  condition: boolean;
  /** The reason a judge agent gave, when it gave one. */
  reason?: string;
  /** The branch that ran: its name. */
  agent: string;
  text: string;
  output: unknown;
}

const TRUE_WORDS = new Set(["yes", "true", "y"]);
const FALSE_WORDS = new Set(["no", "false", "n"]);

/**
 * Runs `whenTrue` or `whenFalse` on the task, as a function or a judge agent decides.
 * A judge answers with `conditionSchema` output, `{ "answer": true }` JSON, or yes / no.
 * @example
 * const answer = conditional((task) => task.length > 500, summarizer, responder);
 * const { output } = await answer.run(email);
 */
export function conditional(
  condition: ConditionFunction | Participant,
  whenTrue: Participant,
  whenFalse: Participant,
  options?: ConditionalOptions,
): PatternWorkflow<ConditionalOutput> {
  if (typeof condition !== "function" && !isParticipant(condition)) {
    throw new TypeError(
      `conditional(condition): expected a function or an agent, received ${describeValue(condition)}`,
    );
  }
  checkParticipant(whenTrue, "conditional(whenTrue)");
  checkParticipant(whenFalse, "conditional(whenFalse)");
  const { name = "conditional" } = checkPatternOptions(
    conditionalOptionsRule,
    options,
    "conditional(condition, whenTrue, whenFalse, options)",
  );
  const flow = new PatternWorkflow<ConditionalOutput>(name, {
    output: (results) => {
      const decided = results.decide as { condition: boolean; reason?: string };
      const branch = decided.condition ? "if-true" : "if-false";
      const answer = results[branch];
      return {
        ...decided,
        agent: (decided.condition ? whenTrue : whenFalse).name,
        text: textOf(answer),
        output: outputOf(answer),
      };
    },
  });
  if (isParticipant(condition)) {
    flow.step("judge", condition, {
      input: ({ input }) =>
        `Does the following condition hold? Answer yes or no, or JSON {"answer": true|false, "reason": "<why>"}.\n\n${taskOf(input)}`,
    });
    flow.step(
      "decide",
      ({ results, emit }: StepContext<string>) => {
        const answer = readStructured(results.judge, conditionSchema, {
          participant: condition.name,
          expected: "yes or no",
          fromText: (text) => {
            const word = leadingWord(text);
            if (TRUE_WORDS.has(word)) return { answer: true, reason: text };
            if (FALSE_WORDS.has(word)) return { answer: false, reason: text };
            return undefined;
          },
        });
        const decided = { condition: answer.answer, reason: answer.reason };
        emit({ type: "custom:condition", data: decided });
        return decided;
      },
      { dependsOn: ["judge"], route: ({ output }) => branchOf(output) },
    );
  } else {
    flow.step(
      "decide",
      async ({ input, emit, signal }: StepContext<string>) => {
        const value = await condition(taskOf(input), { signal });
        if (typeof value !== "boolean") {
          throw new TypeError(
            `conditional(condition): expected a boolean, received ${typeof value}`,
          );
        }
        emit({ type: "custom:condition", data: { condition: value } });
        return { condition: value };
      },
      { route: ({ output }) => branchOf(output) },
    );
  }
  const input = ({ input }: { input: string }) => taskOf(input);
  flow.step("if-true", whenTrue, { dependsOn: ["decide"], input });
  flow.step("if-false", whenFalse, { dependsOn: ["decide"], input });
  return flow;
}

function branchOf(output: unknown): string {
  return (output as { condition: boolean }).condition ? "if-true" : "if-false";
}
