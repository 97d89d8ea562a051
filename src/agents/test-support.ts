import type {
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { APICallError } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import type { ModelCallGate, ModelCallPermit, ModelCallRequest } from "../core/model-call-gate.js";
import type { RunnableEvent } from "../core/runnable.js";
import type { PriceTable } from "../models/index.js";

/** Test helpers for the agent tests (not exported from the package). */

export function providerUsage(input: number, output: number, cached = 0): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input - cached, cacheRead: cached, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

export function textReply(
  text: string,
  usage = providerUsage(10, 5),
): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage,
    warnings: [],
  };
}

export function toolCallReply(
  calls: Array<{ name: string; input: unknown; id?: string }>,
  usage = providerUsage(10, 5),
): LanguageModelV4GenerateResult {
  return {
    content: calls.map((call, index) => ({
      type: "tool-call" as const,
      toolCallId: call.id ?? `call-${index + 1}`,
      toolName: call.name,
      input: JSON.stringify(call.input),
    })),
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage,
    warnings: [],
  };
}

/** An HTTP failure as the AI SDK's providers report it. */
export function httpError(statusCode: number, headers: Record<string, string> = {}): APICallError {
  return new APICallError({
    message: `HTTP ${statusCode}`,
    url: "https://api.example.test/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    isRetryable:
      statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500,
  });
}

/** A step of a scripted model: a reply, an error to throw, `"hang"`, or a function. */
export type ScriptStep =
  | LanguageModelV4GenerateResult
  | Error
  | "hang"
  | ((options: LanguageModelV4CallOptions) => PromiseLike<LanguageModelV4GenerateResult>);

/** A MockLanguageModelV4 that plays `steps` in order (the last one repeats). */
export function scriptedModel(modelId: string, ...steps: ScriptStep[]): MockLanguageModelV4 {
  let index = 0;
  return new MockLanguageModelV4({
    provider: "mock",
    modelId,
    doGenerate: async (options) => {
      const step = steps[Math.min(index++, steps.length - 1)];
      if (step === undefined) throw new Error(`${modelId}: no scripted reply`);
      if (step === "hang") return new Promise<never>(() => {});
      if (step instanceof Error) throw step;
      if (typeof step === "function") return step(options);
      return step;
    },
  });
}

/** A streaming mock: each call streams the next list of parts (the last one repeats). */
export function streamingModel(
  modelId: string,
  ...calls: Array<LanguageModelV4StreamPart[] | Error>
): MockLanguageModelV4 {
  let index = 0;
  return new MockLanguageModelV4({
    provider: "mock",
    modelId,
    doStream: async (): Promise<LanguageModelV4StreamResult> => {
      const parts = calls[Math.min(index++, calls.length - 1)];
      if (parts instanceof Error) throw parts;
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const part of parts ?? []) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  });
}

export function textStreamParts(
  chunks: string[],
  usage = providerUsage(10, 5),
): LanguageModelV4StreamPart[] {
  return [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "t1" },
    ...chunks.map((delta) => ({ type: "text-delta" as const, id: "t1", delta })),
    { type: "text-end", id: "t1" },
    { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
  ];
}

/** 1 cent per input token and 2 cents per output token: easy to check by hand. */
export const testPrices: PriceTable = {
  "mock:alpha": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
  "mock:beta": { inputPerMillion: 5_000, outputPerMillion: 10_000 },
  "mock:gamma": { inputPerMillion: 1_000, outputPerMillion: 2_000 },
};

/** What `testPrices` says a call costs, computed independently of the pricing code. */
export function expectedCents(model: string, input: number, output: number): number {
  const price = testPrices[model];
  if (!price) throw new Error(`no test price for ${model}`);
  return ((input * price.inputPerMillion + output * price.outputPerMillion) / 1_000_000) * 100;
}

/** Collects emitted events. */
export function eventLog(): {
  events: RunnableEvent[];
  emit: (event: RunnableEvent) => void;
  types(): string[];
} {
  const events: RunnableEvent[] = [];
  return {
    events,
    emit: (event) => events.push(event),
    types: () => events.map((event) => event.type),
  };
}

/** A gate whose decisions the test scripts; it records every request and release. */
export function fakeGate(
  decide: (request: ModelCallRequest) => Extract<ModelCallPermit, { granted: false }> | undefined,
): ModelCallGate & {
  requests: ModelCallRequest[];
  releases: Array<{ model: string; outcome: unknown }>;
} {
  const requests: ModelCallRequest[] = [];
  const releases: Array<{ model: string; outcome: unknown }> = [];
  return {
    requests,
    releases,
    async acquire(request) {
      requests.push(request);
      const denial = decide(request);
      if (denial) return denial;
      return {
        granted: true,
        release: (outcome) => releases.push({ model: request.model, outcome }),
      };
    },
  };
}
