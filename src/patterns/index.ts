/**
 * Ready-made multi-agent patterns. Each returns a workflow: it nests as a step of other
 * workflows, is logged and resumable like any run, and reports usage and cost.
 *
 * One call: `await pattern(...).run(task)` resolves with a typed `WorkflowResult` (output,
 * steps, usage, cost) or rejects with `WorkflowError`; `pattern(...).start(task)` returns a
 * `Run` whose `events` stream as it happens.
 * @module baton/patterns
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "../require-supported-node.js";

export {
  type CascadeContext,
  type CascadeOptions,
  type CascadeOutput,
  type CascadeTier,
  cascade,
} from "./cascade.js";
export {
  type ChainOfThoughtOptions,
  type ChainOfThoughtOutput,
  chainOfThought,
  type Thought,
} from "./chain-of-thought.js";
export {
  type CollaborativeOptions,
  type CollaborativeOutput,
  type Contribution,
  collaborative,
  type TurnContext,
} from "./collaborative.js";
export {
  type ConditionalOptions,
  type ConditionalOutput,
  type ConditionFunction,
  conditional,
} from "./conditional.js";
export {
  type CastVote,
  type ConsensusOptions,
  type ConsensusOutput,
  consensus,
  votePrompt,
} from "./consensus.js";
export { type DebateOptions, type DebateOutput, debate, type Turn } from "./debate.js";
export {
  defineOrchestration,
  type FailedSubtask,
  type OrchestrationContext,
  type OrchestrationDefinition,
  type OrchestrationOutput,
  type OrchestrationSubtask,
  type SubtaskContext,
  type SubtaskResult,
  type SynthesisContext,
} from "./define-orchestration.js";
export type { BranchAnswer, Merge, MergedOutput, MergeFunction } from "./fan-out.js";
export {
  type ConvergenceContext,
  type Draft,
  type IterateOptions,
  type IterateOutput,
  iterate,
} from "./iterate.js";
export { type ParallelOptions, parallel } from "./parallel.js";
export { type Answer, type Participant, textOf } from "./participant.js";
export { PatternOutputError } from "./pattern-output-error.js";
export {
  type PatternOptions,
  PatternWorkflow,
  type PatternWorkflowOptions,
} from "./pattern-workflow.js";
export {
  type PlanAndExecuteOptions,
  type PlanAndExecuteOutput,
  planAndExecute,
  type Worker,
} from "./plan-and-execute.js";
export { PlanError, type PlanIssue } from "./plan-error.js";
export { planProblems } from "./plan-problems.js";
export { QuorumError } from "./quorum-error.js";
export {
  type Route,
  type RouteBy,
  type RouteRule,
  type RouterOptions,
  type RouterOutput,
  router,
} from "./router.js";
export {
  type ConditionAnswer,
  conditionSchema,
  type Judgement,
  judgementSchema,
  type Plan,
  type PlannedSubtask,
  plannedSubtaskSchema,
  planSchema,
  type Review,
  type RoutePick,
  reviewSchema,
  routeSchema,
  type Verdict,
  type Vote,
  verdictSchema,
  voteSchema,
} from "./schemas.js";
export {
  type HandoffContext,
  type SequentialOptions,
  type SequentialOutput,
  sequential,
} from "./sequential.js";
export {
  type EscalationContext,
  type ReviewRecord,
  type SupervisorOptions,
  type SupervisorOutput,
  supervisor,
} from "./supervisor.js";
export { type SwarmOptions, swarm } from "./swarm.js";
export { type Phase, withPhase } from "./with-phase.js";
