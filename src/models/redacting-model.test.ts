import { APICallError, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Redactor, redactText } from "../core/run/redact-secrets.js";
import { redactingModel } from "./redacting-model.js";
import { resolveModel } from "./resolve-model.js";

const key = "local-7f3a9c2e";

/** What a provider throws when it refuses a key, quoting it in the message and the body. */
function refusal(): APICallError {
  return new APICallError({
    message: `Incorrect API key provided: ${key}`,
    url: "http://127.0.0.1:1/v1/chat/completions",
    requestBodyValues: { model: "m" },
    statusCode: 401,
    responseBody: JSON.stringify({ error: { message: `Incorrect API key provided: ${key}` } }),
    data: { error: { message: `bad key ${key}` } },
    isRetryable: false,
    cause: new Error(`fetch said ${key}`),
  });
}

const callOptions = {
  prompt: [{ role: "user" as const, content: [{ type: "text" as const, text: "Hi" }] }],
};

/** A stream of these parts that then fails (pulled one by one, so no part is dropped). */
function streamOf(parts: LanguageModelV4StreamPart[]): ReadableStream<LanguageModelV4StreamPart> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      const part = parts[index++];
      if (part) controller.enqueue(part);
      else controller.error(refusal());
    },
  });
}

describe("redactingModel", () => {
  it("removes its secrets from what doGenerate throws, keeping the error's class and fields", async () => {
    const inner = new MockLanguageModelV4({
      doGenerate: async () => {
        throw refusal();
      },
    });
    const model = redactingModel(inner, new Redactor([key]));
    const error = await model.doGenerate(callOptions).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(401);
    expect(apiError.isRetryable).toBe(false);
    expect(apiError.message).toBe("Incorrect API key provided: [REDACTED]");
    expect(apiError.responseBody).toBe(
      '{"error":{"message":"Incorrect API key provided: [REDACTED]"}}',
    );
    expect(apiError.data).toEqual({ error: { message: "bad key [REDACTED]" } });
    expect((apiError.cause as Error).message).toBe("fetch said [REDACTED]");
    expect(apiError.stack).not.toContain(key);
    expect(model.provider).toBe(inner.provider);
    expect(model.modelId).toBe(inner.modelId);
  });

  it("removes its secrets from a stream's error parts and from a stream that fails", async () => {
    const inner = new MockLanguageModelV4({
      doStream: async () => ({
        stream: streamOf([
          { type: "text-delta", id: "1", delta: "partial" },
          { type: "error", error: refusal() },
          { type: "error", error: { message: `plain ${key}` } },
        ]),
      }),
    });
    const { stream } = await redactingModel(inner, new Redactor([key])).doStream(callOptions);
    const parts: unknown[] = [];
    const reader = stream.getReader();
    const failure = await (async () => {
      for (;;) {
        const next = await reader.read();
        if (next.done) return undefined;
        parts.push(next.value);
      }
    })().catch((error: unknown) => error);
    expect(parts[0]).toEqual({ type: "text-delta", id: "1", delta: "partial" });
    expect((parts[1] as { error: Error }).error.message).toBe(
      "Incorrect API key provided: [REDACTED]",
    );
    expect(parts[2]).toEqual({ type: "error", error: { message: "plain [REDACTED]" } });
    expect((failure as Error).message).toBe("Incorrect API key provided: [REDACTED]");
  });
});

describe("resolveModel's secrets", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("are the key it read from the environment, from apiKey, and from secret-named headers", () => {
    expect(resolveModel("openai:gpt-4o-mini", { env: { OPENAI_API_KEY: key } }).secrets).toEqual([
      key,
    ]);
    expect(
      resolveModel("openai-compatible:m", {
        baseURL: "http://127.0.0.1:1/v1",
        apiKey: "given-key-1234",
        headers: { Authorization: "Bearer header-token-99", "X-Trace": "not-a-secret" },
        env: {},
      }).secrets,
    ).toEqual(["header-token-99", "given-key-1234"]);
  });

  it("are empty for models Baton gives no key: functions, objects, keyless providers, placeholders", () => {
    expect(resolveModel(async () => "hi").secrets).toEqual([]);
    expect(resolveModel(new MockLanguageModelV4()).secrets).toEqual([]);
    expect(resolveModel("simulated:a").secrets).toEqual([]);
    const placeholder = resolveModel("openai-compatible:m", {
      baseURL: "http://127.0.0.1:1/v1",
      apiKey: "EMPTY",
      env: {},
    });
    expect(placeholder.secrets).toEqual([]);
  });

  it("keep the environment's key for a known provider's model object out of run logs", () => {
    vi.stubEnv("OPENAI_API_KEY", "object-key-5d6e7f");
    const object = new MockLanguageModelV4({ provider: "openai.chat", modelId: "gpt-4o-mini" });
    expect(redactText("uses object-key-5d6e7f")).toBe("uses object-key-5d6e7f");
    const resolved = resolveModel(object);
    expect(resolved.model).toBe(object);
    expect(redactText("uses object-key-5d6e7f")).toBe("uses [REDACTED]");
  });
});
