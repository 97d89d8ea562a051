/**
 * The attribute names Baton's spans use: the OpenTelemetry GenAI semantic conventions
 * (Development status; written out here rather than taken from
 * `@opentelemetry/semantic-conventions/incubating`, which would be one more dependency),
 * plus Baton's own under `baton.`.
 */
export const GenAIAttributes = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  agentName: "gen_ai.agent.name",
  workflowName: "gen_ai.workflow.name",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  toolType: "gen_ai.tool.type",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  errorType: "error.type",
  runId: "baton.run.id",
  parentRunId: "baton.parent_run.id",
  runResumed: "baton.run.resumed",
  stepId: "baton.step.id",
  stepAttempt: "baton.step.attempt",
  stepIteration: "baton.step.iteration",
  willRetry: "baton.will_retry",
  modelCallAttempt: "baton.model_call.attempt",
  costCents: "baton.cost.cents",
  status: "baton.status",
} as const;

/** `gen_ai.operation.name` values. */
export const GenAIOperations = {
  workflow: "invoke_workflow",
  agent: "invoke_agent",
  chat: "chat",
  tool: "execute_tool",
} as const;

/**
 * `gen_ai.provider.name` of a Baton provider: the well-known value where the conventions
 * name one (Google's Gemini API is `gcp.gemini`), else Baton's own name (`ollama`,
 * `openai-compatible`, `simulated`, or an AI SDK model's provider).
 */
export function providerName(provider: string): string {
  return provider === "google" ? "gcp.gemini" : provider;
}

/** Splits a Baton model id, `provider:model-id`, for `gen_ai.provider.name` and `gen_ai.request.model`. */
export function splitModelId(model: string): { provider: string; modelId: string } {
  const separator = model.indexOf(":");
  if (separator <= 0) return { provider: "_OTHER", modelId: model };
  return {
    provider: providerName(model.slice(0, separator)),
    modelId: model.slice(separator + 1),
  };
}
