import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { generateText, type ModelMessage, streamText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import { type ModelInput, resolveModel } from "./resolve-model.js";

interface RecordedCall {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A fetch that records the request and fails it, so no request ever leaves the process. */
function recordingFetch() {
  const calls: RecordedCall[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    calls.push({
      url: String(input),
      headers,
      body: JSON.parse(String(init?.body ?? "{}")) as Record<string, unknown>,
    });
    throw new Error("recording fetch: no network in tests");
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

async function firstRequest(input: string, options: Parameters<typeof resolveModel>[1]) {
  const { calls, fetch } = recordingFetch();
  const resolved = resolveModel(input, { ...options, fetch });
  await generateText({ model: resolved.model, prompt: "Hi", maxRetries: 0 }).catch(() => {});
  expect(calls).toHaveLength(1);
  return { resolved, request: calls[0] as RecordedCall };
}

describe("resolveModel", () => {
  it("resolves openai: to the Chat Completions API with OPENAI_API_KEY", async () => {
    const { resolved, request } = await firstRequest("openai:gpt-4o-mini", {
      env: { OPENAI_API_KEY: "sk-test-openai" },
    });
    expect(resolved).toMatchObject({
      id: "openai:gpt-4o-mini",
      provider: "openai",
      modelId: "gpt-4o-mini",
    });
    expect(resolved.model.provider).toBe("openai.chat");
    expect(request.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-test-openai");
    expect(request.body.model).toBe("gpt-4o-mini");
  });

  it("resolves anthropic: with ANTHROPIC_API_KEY", async () => {
    const { resolved, request } = await firstRequest("anthropic:claude-sonnet-4-5", {
      env: { ANTHROPIC_API_KEY: "sk-ant-test" },
    });
    expect(resolved).toMatchObject({
      id: "anthropic:claude-sonnet-4-5",
      provider: "anthropic",
      modelId: "claude-sonnet-4-5",
    });
    expect(request.url).toMatch(/^https:\/\/api\.anthropic\.com\/v1\/messages/);
    expect(request.headers["x-api-key"]).toBe("sk-ant-test");
  });

  it("resolves google: with GOOGLE_GENERATIVE_AI_API_KEY", async () => {
    const { resolved, request } = await firstRequest("google:gemini-2.5-flash", {
      env: { GOOGLE_GENERATIVE_AI_API_KEY: "g-test" },
    });
    expect(resolved).toMatchObject({ id: "google:gemini-2.5-flash", provider: "google" });
    expect(request.url).toContain("gemini-2.5-flash");
    expect(request.headers["x-goog-api-key"]).toBe("g-test");
  });

  it("resolves ollama: to the local OpenAI-compatible endpoint without a key", async () => {
    const { resolved, request } = await firstRequest("ollama:llama3.2", { env: {} });
    expect(resolved).toMatchObject({
      id: "ollama:llama3.2",
      provider: "ollama",
      modelId: "llama3.2",
    });
    expect(request.url).toBe("http://127.0.0.1:11434/v1/chat/completions");
    expect(request.headers.authorization).toBeUndefined();
  });

  it("reads OLLAMA_BASE_URL from the environment", async () => {
    const { request } = await firstRequest("ollama:qwen3", {
      env: { OLLAMA_BASE_URL: "http://127.0.0.1:9999/v1" },
    });
    expect(request.url).toBe("http://127.0.0.1:9999/v1/chat/completions");
  });

  it("resolves openai-compatible: with the base URL from options and an optional key", async () => {
    const { resolved, request } = await firstRequest("openai-compatible:my-model", {
      env: {},
      baseURL: "http://127.0.0.1:1234/v1",
      apiKey: "local-key",
      headers: { "x-team": "baton" },
    });
    expect(resolved).toMatchObject({
      id: "openai-compatible:my-model",
      provider: "openai-compatible",
    });
    expect(request.url).toBe("http://127.0.0.1:1234/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer local-key");
    expect(request.headers["x-team"]).toBe("baton");
  });

  it("asks openai-compatible servers for usage in streamed responses", async () => {
    const { calls, fetch } = recordingFetch();
    const { model } = resolveModel("openai-compatible:m", {
      env: { OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:1/v1", OPENAI_COMPATIBLE_API_KEY: "k" },
      fetch,
    });
    const result = streamText({ model, prompt: "Hi", maxRetries: 0, onError: () => {} });
    await result.consumeStream();
    expect(calls[0]?.url).toBe("http://127.0.0.1:1/v1/chat/completions");
    expect(calls[0]?.headers.authorization).toBe("Bearer k");
    expect(calls[0]?.body.stream_options).toEqual({ include_usage: true });
  });

  it("reports the provider, id and supported URLs the provider package gives its model", async () => {
    const env = {
      OPENAI_API_KEY: "k",
      ANTHROPIC_API_KEY: "k",
      GOOGLE_GENERATIVE_AI_API_KEY: "k",
      OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:1/v1",
    };
    const baseURL = "http://127.0.0.1:1/v1";
    const cases: [string, LanguageModelV4][] = [
      ["openai:gpt-4o-mini", createOpenAI({ apiKey: "k" }).chat("gpt-4o-mini")],
      ["anthropic:claude-x", createAnthropic({ apiKey: "k" }).languageModel("claude-x")],
      ["google:gemini-x", createGoogleGenerativeAI({ apiKey: "k" }).languageModel("gemini-x")],
      [
        "ollama:llama3.2",
        createOpenAICompatible({ name: "ollama", baseURL }).chatModel("llama3.2"),
      ],
      [
        "openai-compatible:m",
        createOpenAICompatible({ name: "openai-compatible", baseURL }).chatModel("m"),
      ],
    ];
    for (const [input, direct] of cases) {
      const { model } = resolveModel(input, { env });
      expect({ provider: model.provider, modelId: model.modelId }, input).toEqual({
        provider: direct.provider,
        modelId: direct.modelId,
      });
      expect(await model.supportedUrls, input).toEqual(await direct.supportedUrls);
    }
  });

  it("fails at resolve time when an API key is missing, naming the variable", () => {
    expect(() => resolveModel("openai:gpt-4o-mini", { env: {} })).toThrow(
      "openai:gpt-4o-mini needs an API key: set OPENAI_API_KEY",
    );
    expect(() => resolveModel("anthropic:claude-sonnet-4-5", { env: {} })).toThrow(
      /ANTHROPIC_API_KEY/,
    );
    expect(() => resolveModel("google:gemini-2.5-flash", { env: { OPENAI_API_KEY: "x" } })).toThrow(
      /GOOGLE_GENERATIVE_AI_API_KEY/,
    );
    try {
      resolveModel("openai:gpt-4o-mini", { env: {} });
    } catch (error) {
      expect(ConfigurationError.isInstance(error)).toBe(true);
    }
  });

  it("takes an explicit apiKey over the environment", async () => {
    const { request } = await firstRequest("openai:gpt-4o-mini", {
      env: {},
      apiKey: "sk-explicit",
    });
    expect(request.headers.authorization).toBe("Bearer sk-explicit");
  });

  it("needs a base URL for openai-compatible:", () => {
    expect(() => resolveModel("openai-compatible:m", { env: {} })).toThrow(
      /OPENAI_COMPATIBLE_BASE_URL/,
    );
  });

  it("rejects malformed strings and unknown providers, listing the known providers", () => {
    for (const input of ["gpt-4o-mini", ":gpt-4o", "openai:", "mystery:model"]) {
      let caught: unknown;
      try {
        resolveModel(input, { env: {} });
      } catch (error) {
        caught = error;
      }
      expect(ConfigurationError.isInstance(caught), input).toBe(true);
      expect((caught as Error).message).toContain(
        "openai, anthropic, google, ollama, openai-compatible, simulated",
      );
    }
  });

  it("throws a TypeError for inputs that are not models", () => {
    for (const input of [42, null, undefined, {}, [], { specificationVersion: "v2" }]) {
      expect(() => resolveModel(input as unknown as ModelInput)).toThrow(TypeError);
    }
  });

  it("passes AI SDK model objects through with a provider:model id", () => {
    const model = createOpenAI({ apiKey: "x" }).chat("gpt-4o");
    const resolved = resolveModel(model);
    expect(resolved.model).toBe(model);
    expect(resolved).toMatchObject({ id: "openai:gpt-4o", provider: "openai", modelId: "gpt-4o" });
  });

  it("adapts AI SDK v3 model objects to the v4 interface", async () => {
    const model = new MockLanguageModelV3({
      provider: "acme.chat",
      modelId: "acme-1",
      doGenerate: {
        content: [{ type: "text", text: "from v3" }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 2, text: 2, reasoning: 0 },
        },
        warnings: [],
      },
    });
    const resolved = resolveModel(model);
    expect(resolved).toMatchObject({ id: "acme:acme-1", provider: "acme", modelId: "acme-1" });
    expect(resolved.model.specificationVersion).toBe("v4");
    expect((await generateText({ model: resolved.model, prompt: "x", maxRetries: 0 })).text).toBe(
      "from v3",
    );
    const direct = await resolved.model.doGenerate({
      prompt: [{ role: "user", content: [{ type: "text", text: "direct" }] }],
    });
    expect(direct.content).toEqual([{ type: "text", text: "from v3" }]);
    expect(model.doGenerateCalls).toHaveLength(2);
  });

  it("resolves simulated: strings with latency and seed parameters", () => {
    const resolved = resolveModel("simulated:researcher?latency=200&seed=3");
    expect(resolved).toMatchObject({
      id: "simulated:researcher",
      provider: "simulated",
      modelId: "researcher",
    });
    expect(resolved.model.provider).toBe("simulated");
    expect(() => resolveModel("simulated:x?latency=-1")).toThrow(ConfigurationError);
    expect(() => resolveModel("simulated:x?speed=2")).toThrow(/unknown parameter "speed"/);
  });

  it("wraps an async function as a model that works with generateText", async () => {
    const seen: { messages: ModelMessage[]; signal: AbortSignal }[] = [];
    async function echo(messages: ModelMessage[], { signal }: { signal: AbortSignal }) {
      seen.push({ messages, signal });
      const last = messages.at(-1);
      const text = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content);
      return `echo: ${text}`;
    }
    const resolved = resolveModel(echo);
    expect(resolved).toMatchObject({ id: "function:echo", provider: "function", modelId: "echo" });

    const result = await generateText({
      model: resolved.model,
      system: "Be brief.",
      prompt: "ping",
      maxRetries: 0,
    });
    expect(result.text).toBe('echo: [{"type":"text","text":"ping"}]');
    expect(seen[0]?.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "ping" }] },
    ]);
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(result.usage.inputTokens).toBe(0);
    expect(result.usage.outputTokens).toBe(0);

    const streamed = streamText({ model: resolved.model, prompt: "pong", maxRetries: 0 });
    expect(await streamed.text).toBe('echo: [{"type":"text","text":"pong"}]');
  });

  it("names anonymous function models 'anonymous' and rejects non-string answers", async () => {
    const resolved = resolveModel((async () => 5) as unknown as ModelInput);
    expect(resolved.id).toBe("function:anonymous");
    await expect(
      generateText({ model: resolved.model, prompt: "x", maxRetries: 0 }),
    ).rejects.toThrow(/must resolve to a string, received number/);
  });
});
