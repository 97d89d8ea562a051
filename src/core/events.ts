import { BatonError } from "./errors/baton-error.js";
/**
 * The typed event stream of a run. Every event is appended to the run log before it
 * takes effect; names follow `<noun>-<action>` with start / delta / end.
 */
import type { CostBreakdown, Usage } from "./usage.js";

/** Fields every event carries. */
export interface EventBase {
  /** Milliseconds since the epoch, from the run's injected clock. */
  at: number;
  runId: string;
  /** The enclosing run, for sub-workflows and subagent runs. */
  parentRunId?: string;
  /** The step the event belongs to, when it belongs to one. */
  stepId?: string;
  /**
   * Where the work that logged the event sits in its step's attempt (`RunContext.path`):
   * set on agents' events below the step's own runnable (`context.run`, a subagent called as
   * a tool), so a resumed step gives each agent back what it recorded.
   */
  path?: string;
}

/**
 * How far a run is: of its steps (`total`, every step of its workflow), how many have
 * ended (`completed`: succeeded, failed for good, cancelled or skipped). Counts the run's
 * own steps; a sub-workflow or a delegation is a run with a progress of its own.
 */
export interface RunProgress {
  completed: number;
  total: number;
  /** `completed / total` in whole percent, rounded down: 100 only once every step ended. */
  percent: number;
}

/** The run's progress once the event is applied; on every `run-*` and `step-*` event. */
interface WithProgress {
  /** Absent from logs written before Baton recorded it. */
  progress?: RunProgress;
}

export interface RunStartEvent extends EventBase, WithProgress {
  type: "run-start";
  workflow: string;
  input: unknown;
  /** Every step id of the workflow, so a fold knows the steps that never started. */
  steps?: string[];
  /** For a child run: the step of `parentRunId` that started it. */
  parentStepId?: string;
}
export interface RunEndEvent extends EventBase, WithProgress {
  type: "run-end";
  output: unknown;
  usage: Usage;
  cost: CostBreakdown;
}
export interface RunErrorEvent extends EventBase, WithProgress {
  type: "run-error";
  error: SerializedError;
}
export interface RunCancelEvent extends EventBase, WithProgress {
  type: "run-cancel";
  reason?: string;
}
/** The run is waiting for something outside it (an approval); it may be resumed later. */
export interface RunWaitEvent extends EventBase, WithProgress {
  type: "run-wait";
  reason: string;
}
export interface RunResumeEvent extends EventBase, WithProgress {
  type: "run-resume";
  owner?: string;
}

export interface WorkflowStartEvent extends EventBase {
  type: "workflow-start";
  workflow: string;
}
export interface WorkflowEndEvent extends EventBase {
  type: "workflow-end";
  workflow: string;
}
export interface WorkflowErrorEvent extends EventBase {
  type: "workflow-error";
  workflow: string;
  error: SerializedError;
}

export interface StepStartEvent extends EventBase, WithProgress {
  type: "step-start";
  stepId: string;
  attempt: number;
  input?: unknown;
  /** The loop iteration this start belongs to, for steps with a loop. */
  iteration?: number;
}
export interface StepEndEvent extends EventBase, WithProgress {
  type: "step-end";
  stepId: string;
  /** The recorded output, reused on resume and replay. */
  output: unknown;
  usage: Usage;
  cost: CostBreakdown;
  durationMs: number;
  /** The model that answered, for agent steps. */
  model?: string;
  /** For routing steps: the successors chosen to run. */
  next?: string[];
  /** For loop steps: how many iterations ran. */
  iterations?: number;
}
export interface StepErrorEvent extends EventBase, WithProgress {
  type: "step-error";
  stepId: string;
  error: SerializedError;
  attempt: number;
  /** `true` when the step will be tried again. */
  willRetry: boolean;
  /** Failed attempts are billed too. */
  usage?: Usage;
  cost?: CostBreakdown;
}
export interface StepRetryEvent extends EventBase, WithProgress {
  type: "step-retry";
  stepId: string;
  attempt: number;
  delayMs: number;
}
export interface StepSkipEvent extends EventBase, WithProgress {
  type: "step-skip";
  stepId: string;
  reason: "condition" | "route" | "upstream-failed" | "upstream-skipped" | "cancelled";
}

export interface AgentStartEvent extends EventBase {
  type: "agent-start";
  agent: string;
  model: string;
  /** For a subagent called as a tool (`asTool()`): the calling agent's tool call. */
  toolCallId?: string;
}
export interface AgentEndEvent extends EventBase {
  type: "agent-end";
  agent: string;
  model: string;
  usage: Usage;
  cost: CostBreakdown;
}
export interface AgentErrorEvent extends EventBase {
  type: "agent-error";
  agent: string;
  error: SerializedError;
  /** What the failed run spent: failed attempts that reported usage are billed too. */
  usage?: Usage;
  cost?: CostBreakdown;
}

export interface ModelCallStartEvent extends EventBase {
  type: "model-call-start";
  agent: string;
  model: string;
  attempt: number;
  /**
   * What the call may cost (its prompt plus its output cap, priced), recorded in a run: a
   * call whose reply never reaches the log (its process died) is booked as possibly billed
   * at this much when the run resumes (see `CallCutShortError`).
   */
  reservation?: { tokens: number; cents: number | null };
}
export interface ModelCallEndEvent extends EventBase {
  type: "model-call-end";
  agent: string;
  model: string;
  usage: Usage;
  cost: CostBreakdown;
  durationMs: number;
  /** The model's response (content parts), recorded for replay. */
  response?: unknown;
  /** Why the model stopped (`stop`, `tool-calls`, ...), recorded for replay. */
  finishReason?: string;
  /** The provider's id of the response (`chatcmpl-...`): to match the call on its bill. */
  responseId?: string;
  /** Set for a memory summary; absent for a call of the tool loop. */
  purpose?: "summary";
}
export interface ModelCallErrorEvent extends EventBase {
  type: "model-call-error";
  agent: string;
  model: string;
  error: SerializedError;
  attempt: number;
  usage?: Usage;
  cost?: CostBreakdown;
  /** Set for a memory summary; absent for a call of the tool loop. */
  purpose?: "summary";
}
export interface ModelCallRetryEvent extends EventBase {
  type: "model-call-retry";
  agent: string;
  model: string;
  attempt: number;
  delayMs: number;
}
export interface ModelCallFallbackEvent extends EventBase {
  type: "model-call-fallback";
  agent: string;
  from: string;
  to: string;
}

/** The agent's response cache answered a model call: no model was called, nothing was spent. */
export interface ModelCallCacheHitEvent extends EventBase {
  type: "model-call-cache-hit";
  agent: string;
  /** The model that gave the stored answer. */
  model: string;
  /** The cache key: a hash of the model, messages, tools and call settings. */
  key: string;
  /** How long the lookup took. */
  durationMs: number;
  /** The stored response (content parts), recorded for replay like a model's. */
  response: unknown;
}
/** The agent's response cache had no answer: the model is called (and its answer stored). */
export interface ModelCallCacheMissEvent extends EventBase {
  type: "model-call-cache-miss";
  agent: string;
  /** The model the request is for. */
  model: string;
  key: string;
}

export interface ToolCallStartEvent extends EventBase {
  type: "tool-call-start";
  agent: string;
  tool: string;
  toolCallId: string;
  input: unknown;
}
export interface ToolCallEndEvent extends EventBase {
  type: "tool-call-end";
  agent: string;
  tool: string;
  toolCallId: string;
  output: unknown;
  durationMs: number;
  costCents?: number;
}
export interface ToolCallErrorEvent extends EventBase {
  type: "tool-call-error";
  agent: string;
  tool: string;
  toolCallId: string;
  error: SerializedError;
  durationMs: number;
  /** What the tool reported it cost before it threw (`reportToolCost`), when anything. */
  costCents?: number;
}

/** An agent brought its conversation within its `compression.maxTokens` before a run. */
export interface ConversationCompressEvent extends EventBase {
  type: "conversation-compress";
  agent: string;
  /** What the conversation counted before (instructions included), by gpt-tokenizer. */
  originalTokens: number;
  /** What it counts now. */
  tokens: number;
  /** Messages folded into a summary. */
  summarised: number;
  /** Messages left out without a summary. */
  dropped: number;
  /** Whether the newest message had to be cut short. */
  truncated: boolean;
}

export interface TextDeltaEvent extends EventBase {
  type: "text-delta";
  agent: string;
  delta: string;
}

export interface BudgetExceededEvent extends EventBase {
  type: "budget-exceeded";
  scope: "run" | "agent";
  agent?: string;
  limit: { maxTokens?: number; maxCents?: number };
  spent: { tokens: number; cents: number | null };
  action: "stop" | "switch-model" | "pause";
  switchTo?: string;
}

export interface CircuitOpenEvent extends EventBase {
  type: "circuit-open";
  model: string;
  failures: number;
}
export interface CircuitHalfOpenEvent extends EventBase {
  type: "circuit-half-open";
  model: string;
}
export interface CircuitCloseEvent extends EventBase {
  type: "circuit-close";
  model: string;
}
export interface RateLimitWaitEvent extends EventBase {
  type: "rate-limit-wait";
  model: string;
  waitMs: number;
}

export interface ApprovalRequestEvent extends EventBase {
  type: "approval-request";
  stepId: string;
  /** Set when a tool call, not a whole step, awaits approval. */
  toolCallId?: string;
  /** For a tool call: the tool's name. */
  tool?: string;
  /** For a tool call: its input, as the model gave it. */
  input?: unknown;
  message?: string;
}
/** An approved tool call ran: its output, so a later attempt of the step reuses it. */
export interface ApprovalOutputEvent extends EventBase {
  type: "approval-output";
  stepId: string;
  /** The tool call the approval was asked for. */
  toolCallId: string;
  output: unknown;
}
export interface ApprovalDecisionEvent extends EventBase {
  type: "approval-decision";
  stepId: string;
  toolCallId?: string;
  approved: boolean;
  comment?: string;
}

/** An agent registry's route picked an agent for a call (`registry.route(capability)`). */
export interface RegistrySelectEvent extends EventBase {
  type: "registry-select";
  capability: string;
  /** The agent picked. */
  agent: string;
  /** Set when the pick follows a failure: the agent that failed before it. */
  after?: string;
  /** The failed agent's error message. */
  error?: string;
}

/** Phases that patterns and the orchestrator mark (decomposition, synthesis, documents). */
export interface PhaseEvent extends EventBase {
  type:
    | "decomposition-start"
    | "decomposition-end"
    | "synthesis-start"
    | "synthesis-end"
    | "document-generation-start"
    | "document-generation-end";
  [key: string]: unknown;
}

/** An event a user or pattern defines: any other `<noun>-<action>` name. */
export interface CustomEvent extends EventBase {
  type: `custom:${string}`;
  data?: unknown;
}

export type BatonEvent =
  | RunStartEvent
  | RunEndEvent
  | RunErrorEvent
  | RunCancelEvent
  | RunWaitEvent
  | RunResumeEvent
  | WorkflowStartEvent
  | WorkflowEndEvent
  | WorkflowErrorEvent
  | StepStartEvent
  | StepEndEvent
  | StepErrorEvent
  | StepRetryEvent
  | StepSkipEvent
  | AgentStartEvent
  | AgentEndEvent
  | AgentErrorEvent
  | ModelCallStartEvent
  | ModelCallEndEvent
  | ModelCallErrorEvent
  | ModelCallRetryEvent
  | ModelCallFallbackEvent
  | ModelCallCacheHitEvent
  | ModelCallCacheMissEvent
  | ToolCallStartEvent
  | ToolCallEndEvent
  | ToolCallErrorEvent
  | TextDeltaEvent
  | ConversationCompressEvent
  | BudgetExceededEvent
  | CircuitOpenEvent
  | CircuitHalfOpenEvent
  | CircuitCloseEvent
  | RateLimitWaitEvent
  | ApprovalRequestEvent
  | ApprovalDecisionEvent
  | ApprovalOutputEvent
  | RegistrySelectEvent
  | PhaseEvent
  | CustomEvent;

export type BatonEventType = BatonEvent["type"];

/** Every event type Baton logs, but custom ones (`custom:<name>`), for checking names at run time. */
export const BATON_EVENT_TYPES = [
  "run-start",
  "run-end",
  "run-error",
  "run-cancel",
  "run-wait",
  "run-resume",
  "workflow-start",
  "workflow-end",
  "workflow-error",
  "step-start",
  "step-end",
  "step-error",
  "step-retry",
  "step-skip",
  "agent-start",
  "agent-end",
  "agent-error",
  "model-call-start",
  "model-call-end",
  "model-call-error",
  "model-call-retry",
  "model-call-fallback",
  "model-call-cache-hit",
  "model-call-cache-miss",
  "tool-call-start",
  "tool-call-end",
  "tool-call-error",
  "text-delta",
  "conversation-compress",
  "budget-exceeded",
  "circuit-open",
  "circuit-half-open",
  "circuit-close",
  "rate-limit-wait",
  "approval-request",
  "approval-output",
  "approval-decision",
  "registry-select",
  "decomposition-start",
  "decomposition-end",
  "synthesis-start",
  "synthesis-end",
  "document-generation-start",
  "document-generation-end",
] as const satisfies readonly Exclude<BatonEventType, `custom:${string}`>[];

// The list and the union must name the same types: this fails to compile when one misses any.
type Missing = Exclude<
  Exclude<BatonEventType, `custom:${string}`>,
  (typeof BATON_EVENT_TYPES)[number]
>;
const everyTypeListed: [Missing] extends [never] ? true : Missing = true;
void everyTypeListed;

/** An error as it is stored in the log: plain data, no stack of secrets. */
export interface SerializedError {
  name: string;
  message: string;
  /** A Baton error's stable `code`. */
  code?: string;
  statusCode?: number;
  isRetryable?: boolean;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const record = error as Error & { statusCode?: unknown; isRetryable?: unknown; code?: unknown };
    return {
      name: error.name,
      message: error.message,
      ...(typeof record.code === "string" && BatonError.isInstance(error)
        ? { code: record.code }
        : {}),
      ...(typeof record.statusCode === "number" ? { statusCode: record.statusCode } : {}),
      ...(typeof record.isRetryable === "boolean" ? { isRetryable: record.isRetryable } : {}),
    };
  }
  return { name: "Error", message: String(error) };
}
