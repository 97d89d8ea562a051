import { describe, expect, it } from "vitest";
import { httpError, scriptedModel, textReply } from "../agents/test-support.js";
import { optionsErrorThrownBy } from "../core/test-support/thrown-by.js";
import { emptyCost, emptyUsage } from "../engine/index.js";
import {
  type AgentResult,
  agent,
  type BatonEvent,
  type Outcome,
  type Runnable,
  workflow,
} from "../index.js";
import { router } from "../patterns/router.js";
import { ManualClock, testRunContext } from "../testing/index.js";
import { AgentRegistry } from "./agent-registry.js";
import { RegistryError } from "./registry-error.js";

const prices = {
  "mock:good": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
  "mock:flaky": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
};

/** A runnable whose calls wait until the test ends them (`finish`), to hold load. */
function heldAgent(name: string) {
  const held: Array<{ input: string; finish: (failure?: Error) => void }> = [];
  const runnable: Runnable<string, { text: string }> = {
    name,
    kind: "agent",
    execute: (input) =>
      new Promise<Outcome<{ text: string }>>((resolve) => {
        held.push({
          input,
          finish: (failure) =>
            resolve(
              failure
                ? { status: "failed", error: failure, usage: emptyUsage(), cost: emptyCost() }
                : {
                    status: "succeeded",
                    output: { text: `${name}: ${input}` },
                    usage: emptyUsage(),
                    cost: emptyCost(),
                  },
            ),
        });
      }),
  };
  return { runnable, held };
}

function answering(name: string, text = `${name} answered`) {
  return agent({ name, model: scriptedModel(name, textReply(text)), prices, retry: 1 });
}

function failing(name: string) {
  return agent({ name, model: scriptedModel(name, httpError(500)), prices, retry: 1 });
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("AgentRegistry", () => {
  it("routes around an unhealthy agent, and probes it again once its verdict is stale", async () => {
    const clock = new ManualClock();
    let primaryUp = false;
    let probes = 0;
    const registry = new AgentRegistry({ clock, healthCheckIntervalMs: 10_000 })
      .register(answering("good", "from primary"), {
        capabilities: ["analysis"],
        priority: 2,
        healthCheck: async () => {
          probes++;
          return primaryUp;
        },
      })
      .register(answering("flaky", "from backup"), { capabilities: ["analysis"], priority: 1 });
    const route = registry.route<string, AgentResult>("analysis");

    expect((await route.run("q1")).text).toBe("from backup");
    expect((await route.run("q2")).text).toBe("from backup");
    expect(probes).toBe(1); // a fresh verdict is trusted
    primaryUp = true;
    await clock.advance(10_000);
    expect((await route.run("q3")).text).toBe("from primary");
    expect(probes).toBe(2);
    expect(registry.statistics().byAgent.good).toMatchObject({ calls: 1, healthy: true });
  });

  it("treats a health check that throws as unhealthy", async () => {
    const registry = new AgentRegistry()
      .register(answering("good"), {
        capabilities: ["x"],
        priority: 5,
        healthCheck: () => {
          throw new Error("ping failed");
        },
      })
      .register(answering("flaky"), { capabilities: ["x"] });
    expect((await registry.route<string, AgentResult>("x").run("q")).text).toBe("flaky answered");
    expect(registry.find({ capability: "x" }).map((entry) => [entry.name, entry.healthy])).toEqual([
      ["flaky", undefined],
      ["good", false],
    ]);
  });

  it("balances two equal agents by load: a call goes to the one with fewer calls in flight", async () => {
    const a = heldAgent("a");
    const b = heldAgent("b");
    const registry = new AgentRegistry()
      .register(a.runnable, { capabilities: ["search"] })
      .register(b.runnable, { capabilities: ["search"] });
    const route = registry.route("search");
    const context = testRunContext();
    const first = route.execute("one", context);
    await settle();
    const second = route.execute("two", context);
    await settle();
    expect([a.held.map((call) => call.input), b.held.map((call) => call.input)]).toEqual([
      ["one"],
      ["two"],
    ]);
    a.held[0]?.finish();
    await first;
    // b is still busy: the next call goes to a, though a has served as many calls.
    const third = route.execute("three", context);
    await settle();
    expect(a.held.map((call) => call.input)).toEqual(["one", "three"]);
    b.held[0]?.finish();
    a.held[1]?.finish();
    expect(await Promise.all([second, third])).toMatchObject([
      { status: "succeeded", output: { text: "b: two" } },
      { status: "succeeded", output: { text: "a: three" } },
    ]);
    expect(registry.statistics().byAgent).toMatchObject({ a: { calls: 2 }, b: { calls: 1 } });
  });

  it("prefers higher priority over lower load", async () => {
    const high = heldAgent("high");
    const low = heldAgent("low");
    const registry = new AgentRegistry()
      .register(low.runnable, { capabilities: ["x"], priority: 1 })
      .register(high.runnable, { capabilities: ["x"], priority: 3 });
    const route = registry.route("x");
    const context = testRunContext();
    const calls = [route.execute("1", context), route.execute("2", context)];
    await settle();
    expect(high.held).toHaveLength(2);
    expect(low.held).toHaveLength(0);
    for (const call of high.held) call.finish();
    await Promise.all(calls);
  });

  it("waits for a free agent when every one is at its concurrency cap", async () => {
    const only = heldAgent("only");
    const registry = new AgentRegistry().register(only.runnable, {
      capabilities: ["x"],
      maxConcurrent: 1,
    });
    const route = registry.route("x");
    const context = testRunContext();
    const first = route.execute("1", context);
    const second = route.execute("2", context);
    await settle();
    expect(only.held.map((call) => call.input)).toEqual(["1"]);
    expect(registry.statistics().byAgent.only?.inFlight).toBe(1);
    only.held[0]?.finish();
    await first;
    await settle();
    expect(only.held.map((call) => call.input)).toEqual(["1", "2"]);
    only.held[1]?.finish();
    expect(await second).toMatchObject({ status: "succeeded" });
  });

  it("stops waiting for a free agent when the run is cancelled", async () => {
    const only = heldAgent("only");
    const registry = new AgentRegistry().register(only.runnable, {
      capabilities: ["x"],
      maxConcurrent: 1,
    });
    const controller = new AbortController();
    const route = registry.route("x");
    const first = route.execute("1", testRunContext());
    const second = route.execute("2", testRunContext({ signal: controller.signal }));
    await settle();
    controller.abort();
    expect(await second).toMatchObject({ status: "cancelled" });
    only.held[0]?.finish();
    await first;
    expect(only.held).toHaveLength(1);
  });

  it("falls back down the list when an agent fails, billing both, and logs each pick", async () => {
    const registry = new AgentRegistry()
      .register(failing("flaky"), { capabilities: ["write"], priority: 2 })
      .register(answering("good"), { capabilities: ["write"], priority: 1 });
    const flow = workflow("report").step("draft", registry.route("write"));
    const run = flow.start("Draft it");
    const events: BatonEvent[] = [];
    for await (const event of run.events) events.push(event);
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.draft?.output).toMatchObject({ text: "good answered" });
    expect(result.steps.draft?.model).toBe("mock:good");
    expect(events.filter((event) => event.type === "registry-select")).toEqual([
      expect.objectContaining({ capability: "write", agent: "flaky", stepId: "draft" }),
      expect.objectContaining({ agent: "good", after: "flaky", error: "HTTP 500" }),
    ]);
    // The failed call reported no usage; the answering agent's spend is the step's.
    expect(result.cost.totalCents).toBeGreaterThan(0);
    expect(registry.statistics().byAgent).toMatchObject({
      flaky: { calls: 1, errors: 1 },
      good: { calls: 1, errors: 0 },
    });
  });

  it("skips an agent whose circuit opened, then lets one trial call through after the cool-down", async () => {
    const clock = new ManualClock();
    let flakyCalls = 0;
    const flaky = agent({
      name: "flaky",
      model: scriptedModel("flaky", async () => {
        flakyCalls++;
        throw httpError(500);
      }),
      prices,
      retry: 1,
    });
    const registry = new AgentRegistry({
      clock,
      circuitBreaker: { failureRateThreshold: 1, minimumCalls: 2, cooldownMs: 60_000 },
    })
      .register(flaky, { capabilities: ["x"], priority: 2 })
      .register(answering("good"), { capabilities: ["x"] });
    const route = registry.route<string, AgentResult>("x");
    for (const task of ["1", "2", "3", "4"])
      expect((await route.run(task)).text).toBe("good answered");
    expect(flakyCalls).toBe(2);
    expect(
      registry.find({ capability: "x" }).find((entry) => entry.name === "flaky")?.circuit,
    ).toBe("open");
    await clock.advance(60_000);
    await route.run("5");
    expect(flakyCalls).toBe(3);
  });

  it("fails with a RegistryError naming each agent it considered when none can answer", async () => {
    const registry = new AgentRegistry()
      .register(failing("flaky"), { capabilities: ["x"] })
      .register(answering("good"), { capabilities: ["x"], healthCheck: () => false });
    const outcome = await registry.route("x").execute("q", testRunContext());
    expect(outcome.status).toBe("failed");
    const error = (outcome as { error: unknown }).error;
    expect(RegistryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "no-agent-available",
      capability: "x",
      tried: [
        { agent: "good", reason: "unhealthy" },
        { agent: "flaky", reason: "HTTP 500" },
      ],
    });
    const none = await registry.route("nobody").execute("q", testRunContext());
    expect(none).toMatchObject({
      status: "failed",
      error: { code: "no-agent-available", message: 'No agent has the capability "nobody"' },
    });
  });

  it("enables and disables agents, finds them by capability, and sums them up", async () => {
    const clock = new ManualClock();
    const slow = heldAgent("slow");
    const registry = new AgentRegistry({ clock })
      .register(slow.runnable, { capabilities: ["search", "summarise"], priority: 1 })
      .register(answering("good"), { capabilities: ["summarise"], enabled: false });
    expect(registry.capabilities()).toEqual(["search", "summarise"]);
    expect(registry.find({ capability: "summarise" }).map((entry) => entry.name)).toEqual([
      "slow",
      "good",
    ]);
    const route = registry.route("search");
    for (const ms of [100, 300, 200]) {
      const call = route.execute("q", testRunContext());
      await settle();
      await clock.advance(ms);
      slow.held.at(-1)?.finish();
      await call;
    }
    registry.disable("slow");
    registry.enable("good");
    expect(await registry.route("summarise").run("q")).toMatchObject({ text: "good answered" });
    expect(registry.statistics()).toMatchObject({
      agents: 2,
      enabled: 1,
      capabilities: { search: 1, summarise: 2 },
      byAgent: {
        slow: {
          calls: 3,
          errors: 0,
          enabled: false,
          latency: { count: 3, p95Ms: 300, p50Ms: 200, averageMs: 200 },
        },
        good: { calls: 1, enabled: true },
      },
    });
    expect(() => registry.enable("nobody")).toThrow(
      expect.objectContaining({ name: "RegistryError", code: "agent-not-found" }),
    );
    expect(registry.unregister("good")).toBe(true);
    expect(registry.unregister("good")).toBe(false);
  });

  it("gives the router pattern a route per capability", async () => {
    const registry = new AgentRegistry()
      .register(answering("good", "Refund issued."), { capabilities: ["billing"] })
      .register(answering("flaky", "Restart it."), { capabilities: ["tech"] });
    const desk = router({
      agents: registry.routes(),
      by: (task) => (task.includes("invoice") ? "billing" : "tech"),
    });
    const result = await desk.run("My invoice is wrong");
    expect(result.output).toMatchObject({ route: "billing", text: "Refund issued." });
  });

  it("rejects bad arguments with a TypeError naming them, bad options with an OptionsError", () => {
    const registry = new AgentRegistry().register(answering("good"), { capabilities: ["x"] });
    expect(() => registry.register(answering("good"), { capabilities: ["y"] })).toThrow(
      /registry\.register\(agent\): expected an agent with a name not yet registered, received "good"/,
    );
    expect(() => registry.register(answering("other"), { capabilities: [] })).toThrow(
      /capabilities: expected at least one capability/,
    );
    expect(() =>
      registry.register(answering("other"), { capabilities: ["x"], maxConcurrent: 0 }),
    ).toThrow(/maxConcurrent: expected an integer >= 1 or Infinity, received 0/);
    expect(() => registry.register({} as never, { capabilities: ["x"] })).toThrow(
      /expected an agent or another runnable/,
    );
    expect(() => registry.route("")).toThrow(/registry\.route\(capability\)/);
    expect(() => registry.route("x", { name: "" })).toThrow(
      /registry\.route\("x", options\)[\s\S]*name: expected a non-empty string/,
    );
    expect(() => registry.route("x", { description: 3 as never })).toThrow(
      /description: expected a string, received 3/,
    );
    expect(() => new AgentRegistry({ healthCheckIntervalMs: -1 })).toThrow(
      /healthCheckIntervalMs: expected a number >= 0, received -1/,
    );
    const error = optionsErrorThrownBy(() =>
      registry.register(answering("other"), {
        capabilities: ["x", ""],
        maxConcurent: 2,
        enabled: "yes",
      } as never),
    );
    expect(error.where).toBe('registry.register("other", options)');
    expect(error.issues).toEqual([
      { path: "capabilities[1]", message: 'expected a non-empty string, received ""' },
      { path: "enabled", message: 'expected true or false, received "yes"' },
      {
        path: "maxConcurent",
        message: 'unknown option "maxConcurent" (did you mean "maxConcurrent"?)',
      },
    ]);
    expect(
      optionsErrorThrownBy(
        () => new AgentRegistry({ circuitBreaker: { cooldownMs: -1 }, clock: 1 } as never),
      ).issues.map((issue) => issue.path),
    ).toEqual(["clock", "circuitBreaker.cooldownMs"]);
  });
});
