import type { LanguageModelV4, LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { generateText } from "ai";
import { describe, expect, it } from "vitest";
import { lazyModel } from "./lazy-model.js";
import { simulatedModel } from "./simulated-model.js";

const call: LanguageModelV4CallOptions = {
  prompt: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
};

/** A loader that counts its calls and hands out `model`, or fails while `failures` last. */
function loader(model: LanguageModelV4, failures = 0) {
  const state = { loads: 0, failures };
  const load = async () => {
    state.loads++;
    if (state.failures > 0) {
      state.failures--;
      throw new Error("cannot load the provider");
    }
    return model;
  };
  return { state, load };
}

describe("lazyModel", () => {
  it("knows its provider and id without loading the model", () => {
    const { state, load } = loader(simulatedModel());
    const model = lazyModel({ provider: "acme.chat", modelId: "acme-1", load });
    expect(model).toMatchObject({
      specificationVersion: "v4",
      provider: "acme.chat",
      modelId: "acme-1",
    });
    expect(state.loads).toBe(0);
  });

  it("loads the model on the first call, once, and hands every call over to it", async () => {
    const clock = { now: () => 0, sleep: async () => {} };
    const real = simulatedModel({ name: "real", clock });
    const { state, load } = loader(real);
    const model = lazyModel({ provider: "simulated", modelId: "real", load });
    const [first, second] = await Promise.all([model.doGenerate(call), model.doGenerate(call)]);
    expect(first).toEqual(await real.doGenerate(call));
    expect(second.content).toEqual(first.content);
    const streamed = await model.doStream(call);
    const reader = streamed.stream.getReader();
    const parts: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read())
      parts.push(next.value.type);
    expect(parts.at(-1)).toBe("finish");
    expect(state.loads).toBe(1);
  });

  it("reads supportedUrls from the loaded model", async () => {
    const urls = { "image/*": [/^https:\/\/.*$/] };
    const real = { ...simulatedModel(), supportedUrls: Promise.resolve(urls) };
    const model = lazyModel({ provider: "simulated", modelId: "x", load: loader(real).load });
    await expect(model.supportedUrls).resolves.toEqual(urls);
  });

  it("tries a failed load again on the next call", async () => {
    const { state, load } = loader(simulatedModel(), 1);
    const model = lazyModel({ provider: "simulated", modelId: "x", load });
    await expect(model.doGenerate(call)).rejects.toThrow("cannot load the provider");
    await expect(model.doGenerate(call)).resolves.toMatchObject({ finishReason: { raw: "stop" } });
    expect(state.loads).toBe(2);
  });

  it("works as an AI SDK model", async () => {
    const model = lazyModel({
      provider: "simulated",
      modelId: "writer",
      load: loader(simulatedModel({ name: "writer" })).load,
    });
    const { text } = await generateText({ model, prompt: "Hi", maxRetries: 0 });
    expect(text.startsWith("[simulated:writer] ")).toBe(true);
  });
});
