import type { ModelMessage } from "ai";
import type { SerializedError } from "../core/events.js";
import type { CostBreakdown, Usage } from "../core/usage.js";

/**
 * What one agent run produced, and what it cost. The totals add up exactly:
 * `usage` is the sum of every `modelCalls[i].usage` (failed attempts included) plus every
 * `subagents[i].usage`; `cost` is the sum of the model calls' cost, the tool calls'
 * `costCents` (as `toolCents`) and the subagents' cost.
 */
export interface AgentResult<OUTPUT = string> {
  /** The text of the final step. */
  text: string;
  /** The parsed structured output when the agent has an `output` schema; otherwise `text`. */
  output: OUTPUT;
  /** Each step of the tool loop: one successful model call and the tools it called. */
  steps: AgentStepRecord[];
  /** Every tool call the model made, in the order they started. */
  toolCalls: ToolCallRecord[];
  /** Every model call attempt, failed ones and memory summaries included. */
  modelCalls: ModelCallRecord[];
  /** Runs of other agents used as tools (`asTool`), rolled up into this result. */
  subagents: SubagentRecord[];
  /** `provider:model-id` of the model that gave the final answer. */
  model: string;
  usage: Usage;
  cost: CostBreakdown;
  /** The messages this run added to the conversation (assistant and tool messages). */
  messages: ModelMessage[];
}

export interface AgentStepRecord {
  /** Zero-based. */
  stepNumber: number;
  /** `provider:model-id` of the model that answered this step. */
  model: string;
  text: string;
  toolCalls: Array<{ toolName: string; toolCallId: string; input: unknown }>;
  /** Why the model stopped: `stop`, `tool-calls`, `length`, ... */
  finishReason: string;
  usage: Usage;
}

export interface ToolCallRecord {
  tool: string;
  toolCallId: string;
  input: unknown;
  /** What the tool returned (less its `costInCents`, which is for the books); absent when it threw. */
  output?: unknown;
  error?: SerializedError;
  startedAt: number;
  durationMs: number;
  /** What the tool reported it cost (`costInCents` in its result and `reportToolCost`). */
  costCents: number;
}

export interface ModelCallRecord {
  /** `provider:model-id`. */
  model: string;
  /** 1-based attempt number on this model within one call (retries count up). */
  attempt: number;
  /** `step`: part of the tool loop; `summary`: a memory summary. */
  purpose: "step" | "summary";
  /** What the provider reported; for a call cut short before its reply, only `possiblyBilledTokens`. */
  usage: Usage;
  /** The attempt's price in US cents; `null` when the model has no known price. */
  costCents: number | null;
  /**
   * Set when the attempt was aborted (timeout, cancelled run) before its reply arrived: the
   * provider may have billed it, up to what it reserved (its prompt plus its output cap, or
   * the default reservation). Reported apart from confirmed spend (`possiblyBilledTokens`,
   * `possiblyBilledCents`).
   */
  possiblyBilled?: { tokens: number; cents: number | null };
  startedAt: number;
  durationMs: number;
  /** Present on a successful call. */
  finishReason?: string;
  /** Present on a failed attempt. */
  error?: SerializedError;
  /**
   * `true` when the response cache answered instead of the model: no tokens, no cost.
   * `model` is then the model that gave the stored answer.
   */
  cached?: true;
}

export interface SubagentRecord {
  agent: string;
  /** The tool call of the calling agent that ran the subagent. */
  toolCallId: string;
  /** The model that answered, when the subagent finished. */
  model?: string;
  usage: Usage;
  cost: CostBreakdown;
  error?: SerializedError;
}
