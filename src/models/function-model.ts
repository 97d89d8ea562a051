import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Prompt,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import type { ModelMessage } from "ai";

/**
 * A model written as a plain async function: it receives the conversation and returns the
 * answer text. Handy for tests, rule-based agents and wrapping an in-house API.
 *
 * @example
 * const echo: ModelFunction = async (messages) => `You said ${messages.length} things`;
 */
export type ModelFunction = (
  messages: ModelMessage[],
  options: { signal: AbortSignal },
) => Promise<string>;

/** The provider name of models made from a function; their price is unknown. */
export const FUNCTION_PROVIDER = "function";

const unknownUsage = (): LanguageModelV4Usage => ({
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
});

/**
 * Wraps a {@link ModelFunction} as an AI SDK language model (`doGenerate` and `doStream`).
 * It cannot call tools or count tokens: usage is reported as zeros.
 * The model id is the function's name, or `"anonymous"`.
 */
export function functionModel(fn: ModelFunction): LanguageModelV4 {
  if (typeof fn !== "function")
    throw new TypeError(`functionModel: expected "fn" to be a function, received ${typeof fn}`);
  const modelId = fn.name || "anonymous";

  const run = async (call: LanguageModelV4CallOptions): Promise<string> => {
    const signal = call.abortSignal ?? new AbortController().signal;
    if (signal.aborted) throw signal.reason;
    const text = await fn(toModelMessages(call.prompt), { signal });
    if (typeof text !== "string")
      throw new TypeError(
        `Model function "${modelId}" must resolve to a string, received ${text === null ? "null" : typeof text}`,
      );
    return text;
  };

  return {
    specificationVersion: "v4",
    provider: FUNCTION_PROVIDER,
    modelId,
    supportedUrls: {},
    async doGenerate(call) {
      const text = await run(call);
      return {
        content: [{ type: "text", text }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: unknownUsage(),
        warnings: [],
      };
    },
    async doStream(call) {
      const text = await run(call);
      return {
        stream: new ReadableStream({
          start(controller) {
            controller.enqueue({ type: "stream-start", warnings: [] });
            controller.enqueue({ type: "text-start", id: "text-0" });
            if (text.length > 0)
              controller.enqueue({ type: "text-delta", id: "text-0", delta: text });
            controller.enqueue({ type: "text-end", id: "text-0" });
            controller.enqueue({
              type: "finish",
              usage: unknownUsage(),
              finishReason: { unified: "stop", raw: "stop" },
            });
            controller.close();
          },
        }),
      };
    },
  };
}

/** Provider-level prompt -> the user-facing `ModelMessage`s the AI SDK documents. */
export function toModelMessages(prompt: LanguageModelV4Prompt): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case "system":
        messages.push({ role: "system", content: message.content });
        break;
      case "user":
        messages.push({
          role: "user",
          content: message.content.map((part) =>
            part.type === "text"
              ? { type: "text", text: part.text }
              : {
                  type: "file",
                  data: part.data,
                  mediaType: part.mediaType,
                  filename: part.filename,
                },
          ),
        });
        break;
      case "assistant": {
        const content = [];
        for (const part of message.content) {
          if (part.type === "text") content.push({ type: "text" as const, text: part.text });
          else if (part.type === "reasoning")
            content.push({ type: "reasoning" as const, text: part.text });
          else if (part.type === "tool-call")
            content.push({
              type: "tool-call" as const,
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: part.input,
            });
          else if (part.type === "tool-result")
            content.push({
              type: "tool-result" as const,
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              output: part.output,
            });
        }
        messages.push({ role: "assistant", content });
        break;
      }
      case "tool": {
        const content = [];
        for (const part of message.content) {
          if (part.type === "tool-result")
            content.push({
              type: "tool-result" as const,
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              output: part.output,
            });
        }
        messages.push({ role: "tool", content });
        break;
      }
    }
  }
  return messages;
}
