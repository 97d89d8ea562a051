/**
 * Agents: a model with instructions and tools, run under retry, timeout, fallback and
 * budget policies, with usage and cost on the books.
 * @module baton/agents
 */
export {
  Agent,
  type AgentInput,
  type AgentRunOptions,
  type AgentStream,
  type AsToolOptions,
  agent,
} from "./agent.js";
export type { AgentOptions, CompressionOptions } from "./agent-options.js";
export type {
  AgentResult,
  AgentStepRecord,
  ModelCallRecord,
  SubagentRecord,
  ToolCallRecord,
} from "./agent-result.js";
export {
  type CompressedMessages,
  type CompressMessagesOptions,
  compressMessages,
} from "./compress-messages.js";
export { isRerun, reportToolCost, rerunOnResume, runContextOf } from "./instrument-tools.js";
export { defaultSummaryInstructions, type MemoryOptions } from "./memory.js";
export type { ResponseCacheOptions } from "./response-cache.js";
export type { AgentEvent } from "./run-ledger.js";
