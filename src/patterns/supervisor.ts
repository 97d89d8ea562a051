import { type StepContext, type WorkflowResult, workflow } from "../index.js";
import { revisionPrompt } from "./iterate.js";
import { isParticipant, outputOf, type Participant, taskOf, textOf } from "./participant.js";
import { checkPatternOptions, supervisorOptionsRule } from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { leadingWord, readStructured } from "./read-structured.js";
import { reviewSchema } from "./schemas.js";

/** One review of one draft. */
export interface ReviewRecord {
  /** 1 for the first draft. */
  draft: number;
  approved: boolean;
  feedback: string;
  /** The draft reviewed. */
  text: string;
}

/** What an escalation handler gets: the task, the last draft, and every rejection. */
export interface EscalationContext {
  task: string;
  draft: string;
  reviews: ReviewRecord[];
  signal: AbortSignal;
}

export interface SupervisorOptions extends PatternOptions {
  /** Writes the drafts. */
  worker: Participant;
  /**
   * Reviews each draft: `reviewSchema` output, `{ "approved": true }` JSON, or
   * "APPROVED" / "REJECTED: ..." text. Its feedback goes into the next revision.
   */
  reviewer: Participant;
  /**
   * Drafts the reviewer may reject before the task is escalated: with 3, the worker writes
   * up to 3 drafts and the reviewer reviews each; a third rejection escalates.
   * @default 3
   */
  maxRevisions?: number;
  /**
   * Who resolves a task after `maxRevisions` rejections: an agent (a senior worker; it gets
   * the task, the last draft and all feedback) or a function.
   * @default none: the result has `escalated: true, approved: false` and the last draft
   */
  escalate?: Participant | ((context: EscalationContext) => unknown);
  /** The input of each revision. @default the task, the last draft and the reviewer's feedback */
  revise?: (context: { task: string; draft: string; feedback: string; revision: number }) => string;
}

export interface SupervisorOutput {
  /** `true` when the reviewer approved a draft. */
  approved: boolean;
  /** `true` when `maxRevisions` drafts were rejected. */
  escalated: boolean;
  /** The approved draft, the escalation's answer, or (escalated without a handler) the last draft. */
  text: string;
  output: unknown;
  /** Drafts the worker wrote. */
  drafts: number;
  /** Every review, in order. */
  reviews: ReviewRecord[];
  /** What the escalation handler answered, when it ran. */
  escalation?: { text: string; output: unknown };
}

interface RoundInput {
  task: string;
  draft: number;
  reviews: ReviewRecord[];
}

interface RoundRecord {
  approved: boolean;
  text: string;
  output: unknown;
  reviews: ReviewRecord[];
}

/** The escalation handler's input: the task, the last draft and every piece of feedback. */
export function escalationPrompt(task: string, reviews: readonly ReviewRecord[]): string {
  return [
    `Task: ${task}`,
    `A reviewer rejected ${reviews.length} draft${reviews.length === 1 ? "" : "s"}. The last one:\n${reviews.at(-1)?.text ?? ""}`,
    `The reviewer's feedback, in order:\n${reviews.map((review) => `${review.draft}. ${review.feedback}`).join("\n")}`,
    "Resolve this: write the final answer to the task.",
  ].join("\n\n");
}

/**
 * A worker drafts, a reviewer approves or sends feedback, the worker revises; after
 * `maxRevisions` rejected drafts the task is escalated.
 * @example
 * const desk = supervisor({ worker: junior, reviewer: editor, maxRevisions: 2, escalate: senior });
 * const { output } = await desk.run("Write the release notes for 2.0");
 * output.approved; output.escalated; output.reviews;
 */
export function supervisor(options: SupervisorOptions): PatternWorkflow<SupervisorOutput> {
  const {
    name = "supervisor",
    worker,
    reviewer,
    maxRevisions = 3,
    revise,
    escalate,
  } = checkPatternOptions(supervisorOptionsRule, options, "supervisor(options)");

  const round = workflow<RoundInput>(`${name}-round`)
    .step("work", worker, {
      input: ({ input }) => {
        const last = input.reviews.at(-1);
        if (!last) return input.task;
        return revise
          ? revise({
              task: input.task,
              draft: last.text,
              feedback: last.feedback,
              revision: input.draft,
            })
          : revisionPrompt(input.task, last.text, last.feedback);
      },
    })
    .step("review", reviewer, {
      dependsOn: ["work"],
      input: ({ input, results }) =>
        [
          `Task: ${input.task}`,
          `Draft ${input.draft}:\n${textOf(results.work)}`,
          'Review the draft. Answer JSON {"approved": true|false, "feedback": "<what must change>"}, or APPROVED / REJECTED: <feedback>.',
        ].join("\n\n"),
    })
    .step(
      "round",
      ({ input, results, emit }: StepContext<RoundInput>): RoundRecord => {
        const review = readStructured(results.review, reviewSchema, {
          participant: reviewer.name,
          expected: "a review { approved, feedback }",
          fromText: (text) => {
            const word = leadingWord(text);
            const feedback = text.replace(/^\W*\w+\W*/, "");
            if (word === "approved" || word === "approve") return { approved: true, feedback };
            if (word === "rejected" || word === "reject") return { approved: false, feedback };
            return undefined;
          },
        });
        const text = textOf(results.work);
        const record: ReviewRecord = {
          draft: input.draft,
          approved: review.approved,
          feedback: review.feedback,
          text,
        };
        emit({
          type: "custom:review",
          data: { draft: input.draft, approved: review.approved, feedback: review.feedback },
        });
        return {
          approved: review.approved,
          text,
          output: outputOf(results.work),
          reviews: [...input.reviews, record],
        };
      },
      { dependsOn: ["review"], retry: 1 },
    );

  const flow = new PatternWorkflow<SupervisorOutput>(name, {
    output: (results) => {
      const record = (results.revise as WorkflowResult<RoundRecord>).output;
      const handled = results.escalate;
      const escalated = !record.approved;
      return {
        approved: record.approved,
        escalated,
        text: handled === undefined ? record.text : textOf(handled),
        output: handled === undefined ? record.output : outputOf(handled),
        drafts: record.reviews.length,
        reviews: record.reviews,
        ...(handled !== undefined
          ? { escalation: { text: textOf(handled), output: outputOf(handled) } }
          : {}),
      };
    },
  });
  flow.step("revise", round, {
    input: ({ input, iteration, previous }): RoundInput => ({
      task: taskOf(input),
      draft: iteration,
      reviews: (previous as WorkflowResult<RoundRecord> | undefined)?.output.reviews ?? [],
    }),
    loop: {
      until: ({ output }) => (output as WorkflowResult<RoundRecord>).output.approved,
      maxIterations: maxRevisions,
    },
  });
  if (escalate === undefined) {
    flow.step(
      "outcome",
      ({ results, emit }: StepContext<string>) => {
        const record = (results.revise as WorkflowResult<RoundRecord>).output;
        if (!record.approved)
          emit({ type: "custom:escalation", data: { rejections: record.reviews.length } });
        return record.approved;
      },
      { dependsOn: ["revise"] },
    );
    return flow;
  }
  const needed = ({ results }: { results: Record<string, unknown> }) =>
    !(results.revise as WorkflowResult<RoundRecord>).output.approved;
  const reviewsOf = (results: Record<string, unknown>) =>
    (results.revise as WorkflowResult<RoundRecord>).output.reviews;
  if (isParticipant(escalate)) {
    flow.step("escalate", escalationStep(escalate), {
      dependsOn: ["revise"],
      when: needed,
      input: ({ input, results }) => escalationPrompt(taskOf(input), reviewsOf(results)),
    });
  } else {
    flow.step(
      "escalate",
      async ({ input, results, emit, signal }: StepContext<string>) => {
        const reviews = reviewsOf(results);
        emit({ type: "custom:escalation", data: { rejections: reviews.length } });
        return escalate({
          task: taskOf(input),
          draft: reviews.at(-1)?.text ?? "",
          reviews,
          signal,
        });
      },
      { dependsOn: ["revise"], when: needed },
    );
  }
  return flow;
}

/** The escalation agent, announcing the escalation in the run's events before it runs. */
function escalationStep(target: Participant): Participant {
  return {
    name: target.name,
    kind: target.kind,
    execute(input, context) {
      context.emit({ type: "custom:escalation", data: { to: target.name } });
      return target.execute(input, context);
    },
  };
}
