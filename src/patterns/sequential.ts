import {
  type Answer,
  answerOf,
  checkParticipants,
  type Participant,
  taskOf,
  textOf,
  uniqueIds,
} from "./participant.js";
import { checkPatternOptions, sequentialOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";

/** What `handoff` sees when it builds the next agent's input. */
export interface HandoffContext {
  /** The pipeline's input. */
  task: string;
  /** The previous stage's answer. */
  previous: Answer;
  /** Zero-based position of the stage about to run. */
  index: number;
}

export interface SequentialOptions extends PatternOptions {
  /**
   * The input of each stage after the first.
   * @default the previous stage's text
   * @example handoff: ({ task, previous }) => `Task: ${task}\n\nDraft:\n${previous.text}`
   */
  handoff?: (context: HandoffContext) => string;
}

export interface SequentialOutput {
  /** The last stage's text. */
  text: string;
  /** The last stage's output (structured when it has a schema). */
  output: unknown;
  /** Every stage's answer, in order. */
  stages: Answer[];
}

/**
 * A pipeline: the first agent gets the task, each next one gets the previous one's answer.
 * @example
 * const result = await sequential([researcher, writer, editor]).run("Node 24 in one page");
 * result.output.text; // the editor's answer
 */
export function sequential(
  agents: readonly Participant[],
  options?: SequentialOptions,
): PatternWorkflow<SequentialOutput> {
  const stages = checkParticipants(agents, "sequential(agents)");
  const { name = "sequential", handoff } = checkPatternOptions(
    sequentialOptionsRule,
    options,
    "sequential(agents, options)",
  );
  const ids = uniqueIds(stages.map((stage) => stage.name));
  const flow = new PatternWorkflow<SequentialOutput>(name, {
    output: (results) => {
      const answers = stages.map((stage, index) =>
        answerOf(stage, ids[index]!, results[ids[index]!]),
      );
      const last = answers.at(-1)!;
      return { text: last.text, output: last.output, stages: answers };
    },
  });
  stages.forEach((stage, index) => {
    if (index === 0) {
      flow.step(ids[0]!, stage, { input: ({ input }) => taskOf(input) });
      return;
    }
    const before = ids[index - 1]!;
    flow.step(ids[index]!, stage, {
      dependsOn: [before],
      input: ({ input, results }) => {
        const previous = answerOf(stages[index - 1]!, before, results[before]);
        return handoff ? handoff({ task: taskOf(input), previous, index }) : textOf(previous.text);
      },
    });
  });
  return flow;
}
