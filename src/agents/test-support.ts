import type {
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { APICallError } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { CancelledError } from "../core/errors/cancelled-error.js";
import type { ModelCallGate, ModelCallPermit, ModelCallRequest } from "../core/model-call-gate.js";
import type { Clock } from "../core/ports/clock.js";
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

/**
 * A clock in virtual time: sleeps end only when time is advanced. `drive(promise)` lets
 * all pending work run and, whenever nothing else can happen, jumps to the next sleep's end.
 */
export class VirtualClock implements Clock {
  #now: number;
  #sleepers: Array<{ until: number; resolve: () => void }> = [];
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted)
      return Promise.reject(new CancelledError(undefined, { cause: signal.reason }));
    return new Promise((resolve, reject) => {
      const sleeper = {
        until: this.#now + ms,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((item) => item !== sleeper);
        reject(new CancelledError(undefined, { cause: signal?.reason }));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  advance(ms: number): void {
    this.#now += ms;
    const due = this.#sleepers.filter((sleeper) => sleeper.until <= this.#now);
    this.#sleepers = this.#sleepers.filter((sleeper) => sleeper.until > this.#now);
    for (const sleeper of due.sort((a, b) => a.until - b.until)) sleeper.resolve();
  }

  async drive<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (let idle = 0; !settled; ) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      const next = Math.min(...this.#sleepers.map((sleeper) => sleeper.until));
      if (Number.isFinite(next)) {
        this.advance(next - this.#now);
        idle = 0;
      } else if (++idle > 1000) {
        throw new Error("VirtualClock.drive: nothing is pending but the promise has not settled");
      }
    }
    return promise;
  }
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
