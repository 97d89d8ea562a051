import type {
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import type { LoggedEvent } from "../core/ports/run-store.js";
import type { Usage } from "../core/usage.js";

type FinishReason = LanguageModelV4FinishReason["unified"];

/** A recorded reply (`model-call-end`) as the model's answer to `doGenerate` (internal). */
export function replayedGenerate(reply: LoggedEvent): LanguageModelV4GenerateResult {
  const content = contentOf(reply);
  return {
    content,
    finishReason: { unified: finishReasonOf(reply, content), raw: undefined },
    usage: providerUsage(reply.usage as Usage | undefined),
    warnings: [],
  };
}

/** A recorded reply as the stream `doStream` would have given (internal). */
export function replayedStream(reply: LoggedEvent): LanguageModelV4StreamResult {
  const content = contentOf(reply);
  const parts: LanguageModelV4StreamPart[] = [{ type: "stream-start", warnings: [] }];
  content.forEach((part, index) => {
    const id = String(index);
    if (part.type === "text") {
      parts.push(
        { type: "text-start", id },
        { type: "text-delta", id, delta: part.text },
        { type: "text-end", id },
      );
    } else if (part.type === "reasoning") {
      parts.push(
        { type: "reasoning-start", id },
        { type: "reasoning-delta", id, delta: part.text },
        { type: "reasoning-end", id },
      );
    } else {
      parts.push(part as LanguageModelV4StreamPart);
    }
  });
  parts.push({
    type: "finish",
    usage: providerUsage(reply.usage as Usage | undefined),
    finishReason: { unified: finishReasonOf(reply, content), raw: undefined },
  });
  const stream = new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
  return { stream };
}

function contentOf(reply: LoggedEvent): LanguageModelV4Content[] {
  return Array.isArray(reply.response) ? (reply.response as LanguageModelV4Content[]) : [];
}

/** The recorded finish reason; a log written before it was recorded says so by its content. */
function finishReasonOf(reply: LoggedEvent, content: LanguageModelV4Content[]): FinishReason {
  if (typeof reply.finishReason === "string") return reply.finishReason as FinishReason;
  return content.some((part) => part.type === "tool-call") ? "tool-calls" : "stop";
}

/** Baton's usage back in the provider's shape (the inverse of `usageFromProvider`). */
function providerUsage(usage: Usage | undefined): LanguageModelV4Usage {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  const cached = usage?.cachedInputTokens ?? 0;
  const reasoning = usage?.reasoningTokens ?? 0;
  return {
    inputTokens: {
      total: input,
      noCache: input - cached,
      cacheRead: cached,
      cacheWrite: undefined,
    },
    outputTokens: { total: output, text: output - reasoning, reasoning },
  };
}
