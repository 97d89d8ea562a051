import { describe, expect, it } from "vitest";
import { callWithRetry, FakeProvider, RateLimited } from "./fake-provider.js";
import { llmDag, llmLowerBoundMs, W8_SEED } from "./llm-workload.js";
import { criticalPathMs, type WorkloadCase } from "./workload.js";

function tinyCase(): WorkloadCase & { llm: NonNullable<WorkloadCase["llm"]> } {
  const steps = [
    { id: "a", ms: 1, deps: [] },
    { id: "b", ms: 1, deps: [] },
    { id: "c", ms: 1, deps: ["a"] },
  ];
  return {
    label: "tiny",
    steps,
    shape: { kind: "dag" },
    idealMs: 1,
    llm: {
      models: { a: "M", b: "M", c: "M" },
      tokens: {
        a: { input: 10, output: 1 },
        b: { input: 10, output: 1 },
        c: { input: 10, output: 1 },
      },
      // Two requests at once at most, refilled at 2 a second.
      limits: { M: { requestsPerMinute: 120, tokensPerMinute: 1_000_000, burstSeconds: 1 } },
      faulted: ["b"],
      retryAfterMs: 5,
      scriptConcurrency: 4,
    },
  };
}

describe("FakeProvider", () => {
  it("answers 429 past its limits and for injected faults, and checks the run", async () => {
    const provider = new FakeProvider(tinyCase());
    await expect(provider.call("b", "M")).rejects.toMatchObject({
      injected: true,
      statusCode: 429,
    });
    await provider.call("a", "M");
    await provider.call("b", "M");
    const limited = await provider.call("c", "M").catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimited);
    expect((limited as RateLimited).retryAfterMs).toBeGreaterThan(0);
    expect(provider.problems()).toEqual(["2 steps answered, expected 3"]);
    await callWithRetry(provider, "c");
    expect(provider.problems()).toEqual([]);
    expect(provider.limited).toBeGreaterThanOrEqual(1);
    expect(provider.injected).toBe(1);
  });

  it("reports a step started before its dependency ended", async () => {
    const provider = new FakeProvider(tinyCase());
    await provider.call("c", "M");
    expect(provider.problems()[0]).toBe("c started before a ended");
  });
});

describe("W8's case", () => {
  it("is the same seeded DAG every time, with 5% of steps faulted", () => {
    const first = llmDag(300, W8_SEED);
    expect(llmDag(300, W8_SEED)).toEqual(first);
    expect(first.llm.faulted).toHaveLength(15);
    expect(new Set(Object.values(first.llm.models))).toEqual(new Set(["A", "B", "C"]));
  });

  it("bounds the makespan below by the critical path and every model's capacity", () => {
    const { steps, llm } = llmDag(300, W8_SEED);
    const critical = criticalPathMs(steps);
    const { boundMs, parts } = llmLowerBoundMs(steps, llm, critical);
    expect(parts["critical path"]).toBe(critical);
    expect(boundMs).toBe(Math.max(...Object.values(parts)));
    expect(Object.keys(parts)).toEqual(["critical path", "model A", "model B", "model C"]);
  });
});
