import type { StepContext, StepResults } from "../index.js";
import {
  type Answer,
  answerOf,
  isParticipant,
  outputOf,
  type Participant,
  taskOf,
  textOf,
} from "./participant.js";
import { PatternWorkflow } from "./pattern-workflow.js";
import { withPhase } from "./with-phase.js";

/** An answer of a fan-out branch; swarm branches name their domain. */
export interface BranchAnswer extends Answer {
  /** The part of the task the branch covered (swarm). */
  domain?: string;
}

/** Merges the answers of a fan-out into one value. */
export type MergeFunction<M> = (
  answers: BranchAnswer[],
  context: { task: string; signal: AbortSignal },
) => M | Promise<M>;

/** How a fan-out's answers become one: a synthesiser agent, a function, or the default. */
export type Merge<M> = Participant | MergeFunction<M>;

export interface MergedOutput<M = string> {
  /** The merged answer as text. */
  text: string;
  /** What the merge produced: the synthesiser's output, the function's return value, or the joined text. */
  merged: M;
  /** The branches that answered, in the order they were given. */
  answers: BranchAnswer[];
}

/** One branch: who answers, and on what. */
export interface Branch {
  id: string;
  participant: Participant;
  prompt: (task: string) => string;
  domain?: string;
}

/** The synthesiser's input: the task and every answer. */
export function synthesisPrompt(task: string, answers: readonly BranchAnswer[]): string {
  const sections = answers.map(
    (answer) =>
      `## ${answer.agent}${answer.domain !== undefined ? ` (${answer.domain})` : ""}\n${answer.text}`,
  );
  return [
    `Task: ${task}`,
    `${answers.length} agent${answers.length === 1 ? "" : "s"} answered:`,
    ...sections,
    "Merge these answers into one complete answer to the task. Keep what they agree on; where they disagree, say so.",
  ].join("\n\n");
}

/** The default merge: each answer under its agent's name. */
export function joinAnswers(answers: readonly BranchAnswer[]): string {
  return answers
    .map(
      (answer) =>
        `[${answer.agent}${answer.domain !== undefined ? ` / ${answer.domain}` : ""}] ${answer.text}`,
    )
    .join("\n\n");
}

const MERGE_STEP = "synthesize";

/**
 * A workflow that runs `branches` at once (up to `maxParallel`) and merges their answers
 * in a `synthesize` step. With `quorum`, the merge runs once that many branches succeeded
 * and the failures are tolerated (the options are checked: `quorum` is at most the branches).
 */
export function fanOut<M>(
  name: string,
  branches: readonly Branch[],
  options: {
    merge: Merge<M> | undefined;
    quorum: number | undefined;
    maxParallel: number;
  },
): PatternWorkflow<MergedOutput<M>> {
  const { merge, maxParallel, quorum = branches.length } = options;
  const answersOf = (results: StepResults): BranchAnswer[] =>
    branches
      .filter((branch) => results[branch.id] !== undefined)
      .map((branch) => ({
        ...answerOf(branch.participant, branch.id, results[branch.id]),
        ...(branch.domain !== undefined ? { domain: branch.domain } : {}),
      }));
  const flow = new PatternWorkflow<MergedOutput<M>>(name, {
    maxParallel,
    output: (results) => {
      const merged = results[MERGE_STEP];
      const value = (isParticipant(merge) ? outputOf(merged) : merged) as M;
      return { text: textOf(merged), merged: value, answers: answersOf(results) };
    },
  });
  for (const branch of branches) {
    flow.step(branch.id, branch.participant, {
      input: ({ input }) => branch.prompt(taskOf(input)),
    });
  }
  const join = {
    dependsOn: branches.map((branch) => branch.id),
    ...(quorum < branches.length ? { quorum } : {}),
  };
  if (isParticipant(merge)) {
    flow.step(MERGE_STEP, withPhase(merge, "synthesis"), {
      ...join,
      input: ({ input, results }) => synthesisPrompt(taskOf(input), answersOf(results)),
    });
  } else {
    flow.step(
      MERGE_STEP,
      async ({ input, results, emit, signal }: StepContext<string>) => {
        const answers = answersOf(results);
        emit({ type: "synthesis-start", answers: answers.length });
        const merged = merge
          ? await merge(answers, { task: taskOf(input), signal })
          : joinAnswers(answers);
        emit({ type: "synthesis-end", answers: answers.length });
        return merged;
      },
      join,
    );
  }
  return flow;
}
