import type {
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";

/** Test helpers for the orchestrator tests (not exported from the package). */

export function usage(input: number, output: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

export function text(value: string, spent = usage(10, 5)): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text: value }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: spent,
    warnings: [],
  };
}

export function json(value: unknown, spent = usage(10, 5)): LanguageModelV4GenerateResult {
  return text(JSON.stringify(value), spent);
}

export function toolCall(
  name: string,
  input: unknown,
  id = `call-${name}`,
  spent = usage(10, 5),
): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "tool-call", toolCallId: id, toolName: name, input: JSON.stringify(input) }],
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage: spent,
    warnings: [],
  };
}

export type Reply =
  | LanguageModelV4GenerateResult
  | Error
  | ((
      call: LanguageModelV4CallOptions,
    ) => LanguageModelV4GenerateResult | Promise<LanguageModelV4GenerateResult>);

/** A mock model that plays `replies` in order (the last one repeats) and records its calls. */
export function scripted(modelId: string, ...replies: Reply[]): MockLanguageModelV4 {
  let index = 0;
  return new MockLanguageModelV4({
    provider: "mock",
    modelId,
    doGenerate: async (call) => {
      const reply = replies[Math.min(index++, replies.length - 1)];
      if (reply === undefined) throw new Error(`${modelId}: no scripted reply`);
      if (reply instanceof Error) throw reply;
      return typeof reply === "function" ? reply(call) : reply;
    },
  });
}

/** The text of a prompt: system text, and the text parts and tool results of each message. */
export function promptText(call: LanguageModelV4CallOptions): string {
  return call.prompt
    .map((message) =>
      typeof message.content === "string"
        ? message.content
        : message.content
            .map((part) =>
              part.type === "text"
                ? part.text
                : part.type === "tool-result"
                  ? JSON.stringify(part.output)
                  : part.type === "tool-call"
                    ? `${part.toolName}(${JSON.stringify(part.input)})`
                    : "",
            )
            .join("\n"),
    )
    .join("\n");
}

/** The text of every prompt a mock model received, in order. */
export function promptsOf(model: MockLanguageModelV4): string[] {
  return model.doGenerateCalls.map(promptText);
}

/** Names of the tools offered in each call a mock model received. */
export function toolsOffered(model: MockLanguageModelV4): string[][] {
  return model.doGenerateCalls.map((call) =>
    (call.tools ?? []).map((tool) => ("name" in tool ? tool.name : "?")),
  );
}

/** A promise with its resolve function exposed, to hold a mock reply until a test says so. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
