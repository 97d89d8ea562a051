/**
 * Built-in tools for agents, as AI SDK `tool()`s: an HTTP fetcher limited to allowed hosts,
 * a file reader confined to a directory, a safe calculator, and the tools of any MCP server.
 * @module baton/tools
 */
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
