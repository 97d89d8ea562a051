/**
 * Built-in tools for agents, as AI SDK `tool()`s: an HTTP fetcher limited to allowed hosts,
 * a file reader confined to a directory, a safe calculator, and the tools of any MCP server
 * (stdio or HTTP); and tools that take their calls in batches (`batchTool`, `batchCalls`).
 * @module baton/tools
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "../require-supported-node.js";

export { type BatchCallsOptions, batchCalls } from "../agents/batch-calls.js";
export {
  type BatchExecutionOptions,
  type BatchToolDefinition,
  batchTool,
} from "../agents/batch-tool.js";
export { type CalculatorInput, type CalculatorOutput, calculator } from "./calculator.js";
export { evaluateArithmetic } from "./evaluate-arithmetic.js";
export {
  type HttpFetchInput,
  type HttpFetchOptions,
  type HttpFetchOutput,
  httpFetch,
  isHostAllowed,
} from "./http-fetch.js";
export {
  type McpToolOutput,
  type McpToolSet,
  type McpToolsOptions,
  mcpTools,
} from "./mcp-tools.js";
export {
  type ReadFileInput,
  type ReadFileOptions,
  type ReadFileOutput,
  readFile,
} from "./read-file.js";
export { ToolError, type ToolErrorCode } from "./tool-error.js";
