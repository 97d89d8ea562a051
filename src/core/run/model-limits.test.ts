import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { BatonError } from "../errors/baton-error.js";
import { ModelCallError } from "../errors/model-call-error.js";
import { ModelLimiters } from "../policies/model-limiters.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, trace } from "../test-support/harness.js";

describe("Model limits in a run", () => {
  it("shares a model's concurrency limit across every step that uses it", async () => {
    const { clock, options } = harness();
    const fast = fakeAgent("fast", { model: "m", delayMs: 10 });
    const other = fakeAgent("other", { model: "n", delayMs: 10 });
    let flow = workflow("limited");
    for (let index = 0; index < 4; index++) flow = flow.step(`m${index}`, fast);
    flow = flow.step("n0", other);
    const run = flow.start("x", { ...options, limits: { m: { concurrency: 2 } } });
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    const ends = Object.values(result.steps).map((step) => [step.id, step.endedAt]);
    expect(ends).toEqual([
      ["m0", 10],
      ["m1", 10],
      ["m2", 20],
      ["m3", 20],
      ["n0", 10],
    ]);
  });

  it("starts waiting calls in the order their steps would start: critical path first", async () => {
    const { clock, options } = harness();
    const agent = fakeAgent("a", { model: "m", delayMs: 10 });
    const flow = workflow("urgent-first")
      .step("a1", agent)
      .step("a2", agent)
      .step("a3", agent)
      // "urgent" gets ready at 5 ms, behind a2 and a3 in the model's queue, but two more
      // steps depend on it: it goes next.
      .step("pre", ({ signal }) => clock.sleep(5, { signal }))
      .step("urgent", agent, { dependsOn: ["pre"] })
      .step("tail1", () => "t", { dependsOn: ["urgent"] })
      .step("tail2", () => "t", { dependsOn: ["tail1"] });
    const run = flow.start("x", { ...options, limits: { m: { concurrency: 1 } } });
    await clock.runAll();
    const result = await run.result;
    const ends = ["a1", "urgent", "a2", "a3"].map((id) => result.steps[id]!.endedAt);
    expect(ends).toEqual([10, 20, 30, 40]);
  });

  it("shares limits between runs given one ModelLimiters", async () => {
    const { clock, options } = harness();
    const limits = new ModelLimiters({ m: { concurrency: 1 } });
    const flow = workflow("one").step("s", fakeAgent("a", { model: "m", delayMs: 10 }));
    const first = flow.start("x", { ...options, limits });
    const second = flow.start("x", { ...options, limits });
    await clock.runAll();
    expect((await first.result).steps.s!.endedAt).toBe(10);
    expect((await second.result).steps.s!.endedAt).toBe(20);
  });

  it("logs rate-limit-wait in the run when a request bucket is empty", async () => {
    const { clock, store, options } = harness();
    const agent = fakeAgent("a", { model: "m", delayMs: 1 });
    const flow = workflow("rpm").step("a", agent).step("b", agent);
    const run = flow.start("x", { ...options, limits: { m: { requestsPerMinute: 1 } } });
    await clock.runAll();
    const result = await run.result;
    expect(result.steps.b!.endedAt).toBe(60_001);
    const wait = store.events(run.id).find((event) => event.type === "rate-limit-wait");
    expect(wait).toMatchObject({ runId: run.id, model: "m", waitMs: 60_000, at: 0 });
  });

  it("pauses every step's calls to a model after a Retry-After", async () => {
    const { clock, options } = harness();
    const limited = new ModelCallError({
      message: "429",
      model: "m",
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 1_000,
    });
    const first = fakeAgent("first", { model: "m", delayMs: 5, fail: () => limited });
    const second = fakeAgent("second", { model: "m", delayMs: 5 });
    const flow = workflow("retry-after", { failureMode: "continue" })
      .step("first", first)
      .step("gate", async ({ signal }) => clock.sleep(10, { signal }))
      .step("second", second, { dependsOn: ["gate"] });
    const run = flow.start("x", { ...options, circuitBreaker: false });
    await clock.runAll();
    const result = await run.result;
    expect(result.steps.first!.status).toBe("failed");
    // "second" asked at 10 ms but the model was paused until 5 + 1000 ms.
    expect(result.steps.second!.endedAt).toBe(1_010);
  });
});

describe("Circuit breaker in a run", () => {
  it("opens after repeated failures, logs circuit-open, and lets agents fall back", async () => {
    const { clock, store, options } = harness();
    const down = () => Object.assign(new BatonError("503"), { isRetryable: true, statusCode: 503 });
    const agent = fakeAgent("a", {
      model: "primary",
      delayMs: 1,
      fail: (model) => (model === "primary" ? down() : undefined),
    });
    let flow = workflow("breaker", { mode: "sequential" });
    for (let index = 0; index < 4; index++)
      flow = flow.step(`s${index}`, agent, { fallbackModels: ["backup"] });
    const run = flow.start("x", {
      ...options,
      circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
    });
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(Object.values(result.steps).map((step) => step.model)).toEqual([
      "backup",
      "backup",
      "backup",
      "backup",
    ]);
    // Two failed calls on "primary", then the circuit is open and calls go straight to "backup".
    expect(agent.calls.map((call) => call.model)).toEqual([
      "primary",
      "backup",
      "primary",
      "backup",
      "backup",
      "backup",
    ]);
    expect(trace(store, run.id, ["circuit-open"])).toEqual(["circuit-open:s1"]);
    expect(store.events(run.id).find((event) => event.type === "circuit-open")).toMatchObject({
      model: "primary",
      failures: 2,
      runId: run.id,
    });
  });
});
