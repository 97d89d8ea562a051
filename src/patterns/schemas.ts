import { z } from "zod";

/**
 * Structured outputs the patterns read. Give an agent the matching schema as its `output`
 * so the provider enforces the shape; patterns also accept the same JSON in plain text.
 * @example const judge = agent({ name: "judge", model, output: verdictSchema });
 */

/** A consensus vote: for or against, and why. */
export const voteSchema = z.object({
  approve: z.boolean().describe("true to vote for the proposal, false to vote against it"),
  reason: z.string().describe("Why, in one or two sentences"),
});
export type Vote = z.infer<typeof voteSchema>;

/** A supervisor's review of a draft. */
export const reviewSchema = z.object({
  approved: z.boolean().describe("true when the draft is good enough to ship as it is"),
  feedback: z.string().describe("What must change, or why it is good"),
});
export type Review = z.infer<typeof reviewSchema>;

/** A debate judge's verdict. */
export const verdictSchema = z.object({
  winner: z.enum(["pro", "con", "tie"]).describe("The side that argued better"),
  reasoning: z.string().describe("Why that side won"),
});
export type Verdict = z.infer<typeof verdictSchema>;

/** An `iterate` judge's view of a draft. */
export const judgementSchema = z.object({
  done: z.boolean().describe("true when the draft needs no further refinement"),
  feedback: z.string().describe("What to improve next, or why it is done"),
});
export type Judgement = z.infer<typeof judgementSchema>;

/** A `conditional` judge's answer. */
export const conditionSchema = z.object({
  answer: z.boolean().describe("Whether the condition holds for the task"),
  reason: z.string().describe("Why"),
});
export type ConditionAnswer = z.infer<typeof conditionSchema>;

/** One subtask of a plan. */
export const plannedSubtaskSchema = z.object({
  id: z.string().min(1).describe("A short unique id, such as s1"),
  agent: z.string().describe("The name of the agent that does it"),
  task: z.string().describe("What to do, with all the context the agent needs"),
  dependsOn: z
    .array(z.string())
    .default([])
    .describe("Ids of subtasks whose results this one needs"),
});
export type PlannedSubtask = z.infer<typeof plannedSubtaskSchema>;

/** A `planAndExecute` planner's plan: subtasks and the dependencies between them. */
export const planSchema = z.object({
  subtasks: z.array(plannedSubtaskSchema).describe("The subtasks, in a sensible order"),
});
export type Plan = z.infer<typeof planSchema>;

/** A router model's pick among `routes`. */
export function routeSchema(routes: readonly string[]) {
  if (!Array.isArray(routes) || routes.length === 0 || routes.some((r) => typeof r !== "string")) {
    throw new TypeError(
      `routeSchema(routes): expected a non-empty array of route names, received ${String(routes)}`,
    );
  }
  return z.object({
    route: z.enum(routes as [string, ...string[]]).describe("The agent best suited to the task"),
    reason: z.string().describe("Why"),
  });
}
export interface RoutePick {
  route: string;
  reason?: string;
}
