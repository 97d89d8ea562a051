import { APICallError, type LanguageModelV4 } from "@ai-sdk/provider";
import pLimit from "p-limit";
import { agent } from "../../src/agents/agent.js";
import type { ModelLimits } from "../../src/core/policies/model-limiter.js";
import { workflow } from "../../src/runtime/workflow.js";
import type { PreparedCase } from "./contender.js";
import { callWithRetry, type FakeProvider, RateLimited } from "./fake-provider.js";
import type { LlmShape } from "./llm-workload.js";
import type { WorkloadCase } from "./workload.js";

/**
 * W8 as a script written by hand: each step awaits its dependencies with `Promise.all`,
 * then calls the provider through `p-limit` (the script knows no rate limits, only a
 * concurrency), waiting out each 429's Retry-After.
 */
export function scriptedLlmRun(
  workloadCase: WorkloadCase & { llm: LlmShape },
  provider: FakeProvider,
): PreparedCase {
  return {
    async run() {
      const limit = pLimit(workloadCase.llm.scriptConcurrency);
      const ended = new Map<string, Promise<unknown>>();
      for (const step of workloadCase.steps) {
        const deps = step.deps.map((id) => ended.get(id));
        ended.set(
          step.id,
          Promise.all(deps).then(() => limit(() => callWithRetry(provider, step.id))),
        );
      }
      await Promise.all(ended.values());
      return workloadCase.steps.length;
    },
  };
}

/**
 * A prompt that names its step and that Baton's pre-call estimate (a quarter of the
 * characters, plus a few tokens a message) puts at about `tokens`: what the provider bills.
 */
function promptFor(id: string, tokens: number): string {
  const head = `step:${id} `;
  const filler = Math.max(0, tokens - 4 - Math.ceil(head.length / 4));
  return `${head}${"abc ".repeat(filler)}`;
}

/** The step a prompt names (its last user message starts with `step:<id>`). */
function stepOf(options: Parameters<LanguageModelV4["doGenerate"]>[0]): string {
  for (const message of [...options.prompt].reverse()) {
    if (message.role !== "user") continue;
    for (const part of message.content) {
      if (part.type === "text") {
        const match = /^step:(\S+)/.exec(part.text);
        if (match) return match[1]!;
      }
    }
  }
  throw new Error("the prompt names no step");
}

/** An AI SDK model (`bench:<name>`) answered by the fake provider; its 429s are HTTP-shaped. */
function providerModel(name: string, provider: FakeProvider): LanguageModelV4 {
  const generate = async (options: Parameters<LanguageModelV4["doGenerate"]>[0]) => {
    const id = stepOf(options);
    try {
      const usage = await provider.call(id, name, options.abortSignal);
      return {
        content: [{ type: "text" as const, text: `done ${id}` }],
        finishReason: { unified: "stop" as const, raw: "stop" },
        usage: {
          inputTokens: {
            total: usage.inputTokens,
            noCache: usage.inputTokens,
            cacheRead: 0,
            cacheWrite: 0,
          },
          outputTokens: { total: usage.outputTokens, text: usage.outputTokens, reasoning: 0 },
        },
        warnings: [],
      };
    } catch (error) {
      if (!(error instanceof RateLimited)) throw error;
      throw new APICallError({
        message: error.message,
        url: `https://bench.invalid/${name}`,
        requestBodyValues: {},
        statusCode: 429,
        responseHeaders: { "retry-after-ms": String(error.retryAfterMs) },
        isRetryable: true,
      });
    }
  };
  return {
    specificationVersion: "v4",
    provider: "bench",
    modelId: name,
    supportedUrls: {},
    doGenerate: generate,
    doStream: () => Promise.reject(new Error("not streamed")),
  };
}

/**
 * W8 on Baton, as its users would write it: one agent per model, one agent step per call
 * with `dependsOn`, and the models' rate limits declared as `limits` (the scheduler then
 * starts the most urgent ready step a model has room for; the agents honour Retry-After).
 */
export function batonLlmRun(
  workloadCase: WorkloadCase & { llm: LlmShape },
  provider: FakeProvider,
): PreparedCase {
  const { llm } = workloadCase;
  const agents = Object.fromEntries(
    Object.keys(llm.limits).map((name) => [
      name,
      agent({
        name: `agent-${name}`,
        model: providerModel(name, provider),
        maxSteps: 1,
        retry: { maxAttempts: 20, initialDelayMs: 50 },
        prices: { [`bench:${name}`]: { inputPerMillion: 1, outputPerMillion: 4 } },
      }),
    ]),
  );
  const flow = workflow("bench-llm");
  for (const step of workloadCase.steps) {
    const { model, input } = provider.callOf(step.id);
    flow.step(step.id, agents[model]!, {
      dependsOn: step.deps,
      input: () => promptFor(step.id, input),
    });
  }
  const limits: ModelLimits = Object.fromEntries(
    Object.entries(llm.limits).map(([name, limit]) => [`bench:${name}`, limit]),
  );
  return {
    async run() {
      const result = await flow.start(undefined, { limits }).result;
      if (result.status !== "succeeded") {
        throw new Error(`Baton run ended ${result.status}: ${result.error?.message}`);
      }
      return workloadCase.steps.length;
    },
  };
}
