import { APICallError, generateText, JSONParseError, stepCountIs, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { CancelledError } from "../core/errors/cancelled-error.js";
import type { Clock } from "../core/ports/clock.js";
import { resolveModel } from "../models/resolve-model.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "./fake-openai-server.js";

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

const modelFor = (name = "test-model") =>
  resolveModel(`openai-compatible:${name}`, { baseURL: server.baseURL, env: {} }).model;

async function callError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

/** Waits until the server has received `count` requests. */
async function requestsArrived(count: number) {
  for (let attempt = 0; attempt < 500 && server.requests.length < count; attempt++)
    await new Promise((resolve) => setTimeout(resolve, 2));
  expect(server.requests.length).toBeGreaterThanOrEqual(count);
}

describe("startFakeOpenAIServer", () => {
  it("binds 127.0.0.1 on a free port and answers scripted text with its usage", async () => {
    expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    server.enqueue({
      text: "Hello from the fake",
      usage: { promptTokens: 11, completionTokens: 4, cachedTokens: 3 },
    });
    const result = await generateText({
      model: modelFor(),
      system: "Be kind.",
      prompt: "Hi",
      maxRetries: 0,
    });
    expect(result.text).toBe("Hello from the fake");
    expect(result.finishReason).toBe("stop");
    expect(server.requests[0]?.answer).toEqual({
      id: result.response.id,
      usage: { promptTokens: 11, completionTokens: 4, cachedTokens: 3 },
    });
    expect(result.usage).toMatchObject({
      inputTokens: 11,
      outputTokens: 4,
      totalTokens: 15,
      inputTokenDetails: { cacheReadTokens: 3 },
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe("/v1/chat/completions");
    expect(server.requests[0]?.headers["content-type"]).toContain("application/json");
    expect(server.requests[0]?.body?.model).toBe("test-model");
    expect(server.requests[0]?.body?.messages).toEqual([
      { role: "system", content: "Be kind." },
      { role: "user", content: "Hi" },
    ]);
    expect(server.usageTotals()).toEqual({
      inputTokens: 11,
      outputTokens: 4,
      cachedInputTokens: 3,
      reasoningTokens: 0,
      totalTokens: 15,
    });
  });

  it("answers with tool calls the AI SDK executes, then records the tool results sent back", async () => {
    server.enqueue(
      { toolCalls: [{ name: "lookup", arguments: { city: "Oslo", days: 2 } }] },
      { text: "It is cold in Oslo." },
    );
    const seen: unknown[] = [];
    const result = await generateText({
      model: modelFor(),
      prompt: "Weather in Oslo?",
      maxRetries: 0,
      stopWhen: stepCountIs(3),
      tools: {
        lookup: tool({
          description: "Look up the weather",
          inputSchema: z.object({ city: z.string(), days: z.number() }),
          execute: async (input) => {
            seen.push(input);
            return { temperature: -3 };
          },
        }),
      },
    });
    expect(seen).toEqual([{ city: "Oslo", days: 2 }]);
    expect(result.text).toBe("It is cold in Oslo.");
    expect(result.steps[0]?.finishReason).toBe("tool-calls");
    expect(server.requests[0]?.body?.tools?.[0]?.function.name).toBe("lookup");
    const toolMessage = server.requests[1]?.body?.messages?.find(
      (message) => message.role === "tool",
    );
    expect(toolMessage?.tool_call_id).toBe("call_1_0");
    expect(toolMessage?.content).toBe('{"temperature":-3}');
  });

  it("streams text and tool calls as Server-Sent Events with a final usage chunk", async () => {
    server.enqueue({ text: "one two three four", usage: { promptTokens: 7, completionTokens: 5 } });
    const streamed = streamText({ model: modelFor(), prompt: "Count", maxRetries: 0 });
    const deltas: string[] = [];
    for await (const delta of streamed.textStream) deltas.push(delta);
    expect(deltas.join("")).toBe("one two three four");
    expect(deltas.length).toBeGreaterThan(1);
    expect(await streamed.usage).toMatchObject({
      inputTokens: 7,
      outputTokens: 5,
      totalTokens: 12,
    });
    expect(server.requests[0]?.body?.stream).toBe(true);
    expect(server.requests[0]?.body?.stream_options).toEqual({ include_usage: true });

    server.enqueue({
      toolCalls: [{ name: "search", arguments: { query: "baton relay" }, id: "call_a" }],
    });
    const withTool = streamText({
      model: modelFor(),
      prompt: "Search",
      maxRetries: 0,
      tools: { search: tool({ inputSchema: z.object({ query: z.string() }) }) },
    });
    expect((await withTool.toolCalls).map((call) => [call.toolCallId, call.input])).toEqual([
      ["call_a", { query: "baton relay" }],
    ]);
    expect(await withTool.finishReason).toBe("tool-calls");
    const totals = server.usageTotals();
    expect(totals.inputTokens).toBe(7 + (await withTool.usage).inputTokens!);
    expect(totals.outputTokens).toBe(5 + (await withTool.usage).outputTokens!);
  });

  it("counts usage with gpt-tokenizer when a reply does not script it", async () => {
    server.enqueue({ text: "a reply of some words" });
    const result = await generateText({
      model: modelFor(),
      prompt: "Tell me things",
      maxRetries: 0,
    });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(5);
    expect(server.usageTotals().outputTokens).toBe(5);
  });

  it("prefers replies queued for the requested model over the shared queue", async () => {
    server.enqueue({ text: "shared" });
    server.enqueueFor("special", { text: "special one" });
    expect(
      (await generateText({ model: modelFor("special"), prompt: "x", maxRetries: 0 })).text,
    ).toBe("special one");
    expect(
      (await generateText({ model: modelFor("special"), prompt: "x", maxRetries: 0 })).text,
    ).toBe("shared");
    expect(server.pendingReplies()).toBe(0);
  });

  it("builds a reply from the request when given a function", async () => {
    server.enqueue((request) => ({ text: `you sent ${request.body?.messages?.length} messages` }));
    const result = await generateText({ model: modelFor(), prompt: "x", maxRetries: 0 });
    expect(result.text).toBe("you sent 1 messages");
  });

  it("surfaces a rate limit as a retryable 429 with the Retry-After header", async () => {
    server.enqueue({ fault: "rate-limit", retryAfterSeconds: 7 });
    const error = await callError(generateText({ model: modelFor(), prompt: "x", maxRetries: 0 }));
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.isRetryable).toBe(true);
    expect(apiError.responseHeaders?.["retry-after"]).toBe("7");
    expect(apiError.message).toContain("Rate limit");
    expect(server.usageTotals().totalTokens).toBe(0);
  });

  it("surfaces a server error with its status", async () => {
    server.enqueue({ fault: "server-error" }, { fault: "server-error", status: 503 });
    const first = (await callError(
      generateText({ model: modelFor(), prompt: "x", maxRetries: 0 }),
    )) as APICallError;
    expect(first.statusCode).toBe(500);
    expect(first.isRetryable).toBe(true);
    const streamErrors: unknown[] = [];
    const streamed = streamText({
      model: modelFor(),
      prompt: "x",
      maxRetries: 0,
      onError: ({ error }) => {
        streamErrors.push(error);
      },
    });
    await streamed.consumeStream();
    expect(streamErrors).toHaveLength(1);
    expect((streamErrors[0] as APICallError).statusCode).toBe(503);
  });

  it("fails loudly when the script runs out, unless a fallback reply is set", async () => {
    const error = (await callError(
      generateText({ model: modelFor(), prompt: "x", maxRetries: 0 }),
    )) as APICallError;
    expect(error.statusCode).toBe(500);
    expect(error.message).toContain("ran out of replies");

    const fallback = await startFakeOpenAIServer({ fallbackReply: { text: "default answer" } });
    try {
      const model = resolveModel("openai-compatible:m", {
        baseURL: fallback.baseURL,
        env: {},
      }).model;
      expect((await generateText({ model, prompt: "x", maxRetries: 0 })).text).toBe(
        "default answer",
      );
    } finally {
      await fallback.close();
    }
  });

  it("sends malformed JSON that the client reports as an error", async () => {
    server.enqueue({ fault: "malformed-json" }, { fault: "malformed-json" });
    const error = await callError(generateText({ model: modelFor(), prompt: "x", maxRetries: 0 }));
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(200);
    expect((error as APICallError).message).toBe("Invalid JSON response");

    const streamErrors: unknown[] = [];
    const streamed = streamText({
      model: modelFor(),
      prompt: "x",
      maxRetries: 0,
      onError: ({ error: streamError }) => {
        streamErrors.push(streamError);
      },
    });
    await streamed.consumeStream();
    expect(streamErrors).toHaveLength(1);
    expect(JSONParseError.isInstance(streamErrors[0])).toBe(true);
    expect(await streamed.finishReason).toBe("error");
  });

  it("hangs until the client aborts", async () => {
    server.enqueue({ fault: "hang" });
    const controller = new AbortController();
    const pending = callError(
      generateText({
        model: modelFor(),
        prompt: "x",
        maxRetries: 0,
        abortSignal: controller.signal,
      }),
    );
    await requestsArrived(1);
    const reason = new Error("give up");
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  it("ends hanging connections on close", async () => {
    const hanging = await startFakeOpenAIServer();
    hanging.enqueue({ fault: "hang" });
    const model = resolveModel("openai-compatible:m", { baseURL: hanging.baseURL, env: {} }).model;
    const pending = callError(generateText({ model, prompt: "x", maxRetries: 0 }));
    for (let attempt = 0; attempt < 500 && hanging.requests.length === 0; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 2));
    await hanging.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it("waits delayMs on the injected clock before answering", async () => {
    const sleeps: number[] = [];
    let wake = () => {};
    const clock: Clock = {
      now: () => 0,
      sleep: (ms, { signal } = {}) =>
        new Promise((resolve, reject) => {
          sleeps.push(ms);
          wake = resolve;
          signal?.addEventListener("abort", () => reject(new CancelledError()));
        }),
    };
    const delayed = await startFakeOpenAIServer({ clock });
    try {
      delayed.enqueue({ text: "late", delayMs: 250 });
      const model = resolveModel("openai-compatible:m", {
        baseURL: delayed.baseURL,
        env: {},
      }).model;
      let done = false;
      const pending = generateText({ model, prompt: "x", maxRetries: 0 }).then((result) => {
        done = true;
        return result;
      });
      for (let attempt = 0; attempt < 500 && sleeps.length === 0; attempt++)
        await new Promise((resolve) => setTimeout(resolve, 2));
      expect(sleeps).toEqual([250]);
      expect(done).toBe(false);
      wake();
      expect((await pending).text).toBe("late");
    } finally {
      await delayed.close();
    }
  });

  it("answers unknown routes with a 404 and records them", async () => {
    const response = await fetch(`${server.baseURL}/models`);
    expect(response.status).toBe(404);
    expect(server.requests[0]?.method).toBe("GET");
    expect(server.requests[0]?.path).toBe("/v1/models");
  });
});
