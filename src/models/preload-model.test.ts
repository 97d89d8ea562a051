import type { LanguageModelV4 } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { agent } from "../agents/agent.js";
import type { Clock } from "../core/ports/clock.js";
import { lazyModel } from "./lazy-model.js";
import { preloadModel, withPreload } from "./preload-model.js";
import { simulatedModel } from "./simulated-model.js";

/** A clock that moves only when the test moves it. */
function steppedClock(): Clock & { step(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async () => {},
    step(ms) {
      now += ms;
    },
  };
}

describe("preloadModel", () => {
  it("keeps a model's first load out of the call's recorded duration", async () => {
    const clock = steppedClock();
    const simulated = simulatedModel({ name: "inner" });
    // Like the simulated model's tokenizer: loaded by the first call unless preloaded.
    let loaded = false;
    const load = () => {
      if (loaded) return;
      clock.step(3000);
      loaded = true;
    };
    const timed = withPreload<LanguageModelV4>(
      {
        ...simulated,
        provider: "mock",
        doGenerate: async (options) => {
          load();
          clock.step(40); // the model itself
          return simulated.doGenerate(options);
        },
      },
      load,
    );

    const result = await agent({ name: "a", model: timed, clock }).run("Hello");

    console.error("DUR", JSON.stringify(result.modelCalls.map((c) => [c.startedAt, c.durationMs])));
    expect(result.modelCalls.map((call) => call.durationMs)).toEqual([40]);
  });

  it("loads a lazy model's package once, and resolves even when the load fails", async () => {
    let loads = 0;
    const model = lazyModel({
      provider: "p",
      modelId: "m",
      load: async () => {
        loads++;
        if (loads === 1) throw new Error("no such package");
        return simulatedModel();
      },
    });
    await expect(preloadModel(model)).resolves.toBeUndefined();
    await preloadModel(model); // a failed load is tried again
    await preloadModel(model);
    await model.doGenerate({ prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
    expect(loads).toBe(2);
  });

  it("does nothing for a model with nothing to load", async () => {
    await expect(preloadModel({} as LanguageModelV4)).resolves.toBeUndefined();
  });
});
