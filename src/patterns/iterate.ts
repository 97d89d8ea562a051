import { type StepContext, type WorkflowResult, workflow } from "../index.js";
import { checkParticipant, outputOf, type Participant, taskOf, textOf } from "./participant.js";
import { checkPatternOptions, iterateOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { leadingWord, readStructured } from "./read-structured.js";
import { judgementSchema } from "./schemas.js";

/** What a convergence function sees after each draft. */
export interface ConvergenceContext {
  text: string;
  output: unknown;
  /** The previous draft's text; `undefined` on the first. */
  previous: string | undefined;
  /** 1 on the first draft. */
  iteration: number;
}

/** One draft of an `iterate` or `supervisor` run. */
export interface Draft {
  iteration: number;
  text: string;
  /** The judge's or reviewer's feedback on it, when there was one. */
  feedback?: string;
}

export interface IterateOptions extends PatternOptions {
  /**
   * Stops when this returns true for a draft.
   * @default none
   * @example until: ({ text, previous }) => text === previous
   */
  until?: (context: ConvergenceContext) => boolean;
  /**
   * An agent that judges each draft (when `until` did not already stop): `judgementSchema`
   * output, `{ "done": true }` JSON, or "DONE" / "REVISE: ..." text. Its feedback goes into
   * the next revision.
   * @default none
   */
  judge?: Participant;
  /** Drafts at most, the first included. @default 3 */
  maxIterations?: number;
  /**
   * The input of each revision.
   * @default the task, the previous draft and the feedback, asking for an improved draft
   */
  revise?: (context: {
    task: string;
    draft: string;
    feedback: string | undefined;
    iteration: number;
  }) => string;
}

export interface IterateOutput {
  /** The last draft. */
  text: string;
  output: unknown;
  /** Drafts made. */
  iterations: number;
  /** `true` when `until` or the judge said done; `false` when `maxIterations` stopped it. */
  converged: boolean;
  stoppedBy: "until" | "judge" | "max-iterations";
  /** Every draft, in order, with its feedback. */
  history: Draft[];
}

interface RoundInput {
  task: string;
  iteration: number;
  history: Draft[];
}

interface RoundRecord {
  iteration: number;
  text: string;
  output: unknown;
  done: boolean;
  stoppedBy?: "until" | "judge";
  history: Draft[];
}

/** The default revision prompt of `iterate` and `supervisor`. */
export function revisionPrompt(task: string, draft: string, feedback: string | undefined): string {
  return [
    `Task: ${task}`,
    `Your previous draft:\n${draft}`,
    ...(feedback ? [`Feedback: ${feedback}`] : []),
    "Write an improved version. Answer with the full new draft only.",
  ].join("\n\n");
}

/**
 * Refines a draft: the agent writes, then rewrites its own draft until a convergence
 * function or a judge says it is done, or `maxIterations` drafts were made.
 * @example
 * const polished = iterate(writer, { judge: critic, maxIterations: 4 });
 * const { output } = await polished.run("A haiku about queues");
 * output.converged; output.iterations; output.history;
 */
export function iterate(
  agent: Participant,
  options?: IterateOptions,
): PatternWorkflow<IterateOutput> {
  const worker = checkParticipant(agent, "iterate(agent)");
  const {
    name = "iterate",
    until,
    revise,
    judge,
    maxIterations = 3,
  } = checkPatternOptions(iterateOptionsRule, options, "iterate(agent, options)");

  const round = workflow<RoundInput>(`${name}-round`)
    .step("draft", worker, {
      input: ({ input }) => {
        const last = input.history.at(-1);
        if (!last) return input.task;
        return revise
          ? revise({
              task: input.task,
              draft: last.text,
              feedback: last.feedback,
              iteration: input.iteration,
            })
          : revisionPrompt(input.task, last.text, last.feedback);
      },
    })
    .step(
      "check",
      ({ input, results }: StepContext<RoundInput>) =>
        until?.({
          text: textOf(results.draft),
          output: outputOf(results.draft),
          previous: input.history.at(-1)?.text,
          iteration: input.iteration,
        }) === true,
      { dependsOn: ["draft"], retry: 1 },
    );
  if (judge) {
    round.step("judge", judge, {
      dependsOn: ["check"],
      when: ({ results }) => results.check === false,
      input: ({ input, results }) =>
        [
          `Task: ${input.task}`,
          `Draft ${input.iteration}:\n${textOf(results.draft)}`,
          'Is this draft done, or does it need another revision? Answer JSON {"done": true|false, "feedback": "<what to improve>"}, or DONE / REVISE: <feedback>.',
        ].join("\n\n"),
    });
  }
  round.step(
    "round",
    ({ input, results, emit }: StepContext<RoundInput>): RoundRecord => {
      const text = textOf(results.draft);
      let done = results.check === true;
      let stoppedBy: RoundRecord["stoppedBy"] = done ? "until" : undefined;
      let feedback: string | undefined;
      if (judge && results.judge !== undefined) {
        const judgement = readStructured(results.judge, judgementSchema, {
          participant: judge.name,
          expected: "a judgement { done, feedback }",
          fromText: (answer) => {
            const word = leadingWord(answer);
            if (word === "done") return { done: true, feedback: answer };
            if (word === "revise")
              return { done: false, feedback: answer.replace(/^\W*revise\W*/i, "") };
            return undefined;
          },
        });
        done = judgement.done;
        feedback = judgement.feedback;
        if (done) stoppedBy = "judge";
      }
      const draft: Draft = {
        iteration: input.iteration,
        text,
        ...(feedback !== undefined ? { feedback } : {}),
      };
      emit({ type: "custom:iteration-end", data: { iteration: input.iteration, done, feedback } });
      return {
        iteration: input.iteration,
        text,
        output: outputOf(results.draft),
        done,
        ...(stoppedBy ? { stoppedBy } : {}),
        history: [...input.history, draft],
      };
    },
    { dependsOn: judge ? ["check", "judge"] : ["check"], retry: 1 },
  );

  const flow = new PatternWorkflow<IterateOutput>(name, {
    output: (results) => {
      const record = (results.refine as WorkflowResult<RoundRecord>).output;
      return {
        text: record.text,
        output: record.output,
        iterations: record.iteration,
        converged: record.done,
        stoppedBy: record.stoppedBy ?? "max-iterations",
        history: record.history,
      };
    },
  });
  flow.step("refine", round, {
    input: ({ input, iteration, previous }): RoundInput => ({
      task: taskOf(input),
      iteration,
      history: (previous as WorkflowResult<RoundRecord> | undefined)?.output.history ?? [],
    }),
    loop: {
      until: ({ output }) => (output as WorkflowResult<RoundRecord>).output.done,
      maxIterations,
    },
  });
  return flow;
}
