import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { openDurable } from "../durable/open-durable.js";
import { replay } from "../durable/replay.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryResponseCache } from "../stores/memory/memory-response-cache.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { SqliteStore } from "../stores/sqlite/sqlite-store.js";
import { ManualClock } from "../testing/manual-clock.js";
import { agent } from "./agent.js";
import {
  eventLog,
  httpError,
  providerUsage,
  scriptedModel,
  streamingModel,
  testPrices,
  textReply,
  textStreamParts,
  toolCallReply,
} from "./test-support.js";

const hour = 3_600_000;

describe("Agent response cache", () => {
  it("answers a repeated request from the cache: no model call, no tokens, no cost", async () => {
    const model = scriptedModel("alpha", textReply("Paris", providerUsage(20, 3)));
    const geographer = agent({
      name: "geographer",
      model,
      prices: testPrices,
      cache: { ttlMs: hour },
    });
    const first = await geographer.run("Capital of France?");
    const log = eventLog();
    const second = await geographer.run("Capital of France?", { onEvent: log.emit });

    expect(model.doGenerateCalls).toHaveLength(1);
    expect(first.cost.totalCents).toBeGreaterThan(0);
    expect(second.text).toBe("Paris");
    expect(second.usage.totalTokens).toBe(0);
    expect(second.cost).toMatchObject({ modelCents: 0, toolCents: 0, totalCents: 0 });
    expect(second.model).toBe("mock:alpha");
    expect(second.modelCalls).toEqual([
      expect.objectContaining({ model: "mock:alpha", cached: true, costCents: 0 }),
    ]);
    expect(log.types()).toEqual(["agent-start", "model-call-cache-hit", "agent-end"]);
    expect(log.events[1]).toMatchObject({
      agent: "geographer",
      model: "mock:alpha",
      key: expect.stringMatching(/^response:v1:[0-9a-f]{64}$/),
      response: [{ type: "text", text: "Paris" }],
    });
  });

  it("caches each step of a tool loop; the tools of a cached step still run", async () => {
    let lookups = 0;
    const lookup = tool({
      inputSchema: z.object({ city: z.string() }),
      execute: async () => {
        lookups++;
        return { celsius: 21 };
      },
    });
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "lookup", input: { city: "Lisbon" } }]),
      textReply("21 degrees"),
    );
    const forecaster = agent({
      name: "forecaster",
      model,
      prices: testPrices,
      tools: { lookup },
      cache: { ttlMs: hour },
    });
    await forecaster.run("Weather in Lisbon?");
    const second = await forecaster.run("Weather in Lisbon?");
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(second.text).toBe("21 degrees");
    expect(second.modelCalls.map((call) => call.cached)).toEqual([true, true]);
    expect(second.steps.map((step) => step.model)).toEqual(["mock:alpha", "mock:alpha"]);
    // Tools are not cached: the cached step's tool call runs again.
    expect(lookups).toBe(2);
  });

  it("never stores a failed call: the next identical request goes to the model", async () => {
    const model = scriptedModel("alpha", httpError(400), textReply("ok"), textReply("other"));
    const cached = agent({
      name: "cached",
      model,
      prices: testPrices,
      retry: 1,
      cache: { ttlMs: hour },
    });
    await expect(cached.run("hi")).rejects.toThrow(/HTTP 400/);
    expect((await cached.run("hi")).text).toBe("ok");
    expect((await cached.run("hi")).text).toBe("ok");
    expect(model.doGenerateCalls).toHaveLength(2);
  });

  it("serves an entry for ttlMs on the agent's clock, then asks the model again", async () => {
    const clock = new ManualClock(1_000);
    const model = scriptedModel("alpha", textReply("first"), textReply("second"));
    const cached = agent({
      name: "cached",
      model,
      prices: testPrices,
      clock,
      cache: { ttlMs: 60_000 },
    });
    expect((await cached.run("q")).text).toBe("first");
    await clock.advance(59_999);
    expect((await cached.run("q")).text).toBe("first");
    await clock.advance(1);
    expect((await cached.run("q")).text).toBe("second");
  });

  it("keys by model, messages, tools and settings: any difference is a miss", async () => {
    const store = new MemoryResponseCache();
    const cache = { ttlMs: hour, store };
    const alpha = scriptedModel("alpha", textReply("a"));
    const beta = scriptedModel("beta", textReply("b"));
    const noop = tool({ inputSchema: z.object({}), execute: async () => "ok" });
    await agent({ name: "x", model: alpha, prices: testPrices, cache }).run("q");
    await agent({ name: "x", model: alpha, prices: testPrices, cache }).run("other q");
    await agent({ name: "x", model: beta, prices: testPrices, cache }).run("q");
    await agent({ name: "x", model: alpha, prices: testPrices, cache, tools: { noop } }).run("q");
    await agent({
      name: "x",
      model: alpha,
      prices: testPrices,
      cache,
      instructions: "Be brief.",
    }).run("q");
    expect(alpha.doGenerateCalls).toHaveLength(4);
    expect(beta.doGenerateCalls).toHaveLength(1);
    expect(store.size).toBe(5);
    // A second agent with the same model and request shares the entry.
    const shared = await agent({ name: "y", model: alpha, prices: testPrices, cache }).run("q");
    expect(shared.modelCalls[0]?.cached).toBe(true);
  });

  it("caches streamed answers and streams a hit's text", async () => {
    const model = streamingModel("alpha", textStreamParts(["Hel", "lo"], providerUsage(8, 3)));
    const streamer = agent({ name: "s", model, prices: testPrices, cache: { ttlMs: hour } });
    const first = streamer.stream("Say hello");
    for await (const _ of first.textStream);
    await first.result;
    const second = streamer.stream("Say hello");
    const chunks: string[] = [];
    for await (const chunk of second.textStream) chunks.push(chunk);
    const result = await second.result;
    expect(model.doStreamCalls).toHaveLength(1);
    expect(chunks.join("")).toBe("Hello");
    expect(result.text).toBe("Hello");
    expect(result.cost.totalCents).toBe(0);
    // A generate call for the same request is served from the streamed entry too.
    expect((await streamer.run("Say hello")).modelCalls[0]?.cached).toBe(true);
  });

  it("is opt-in per run, and `cache: false` turns an agent's cache off for a run", async () => {
    const model = scriptedModel("alpha", textReply("answer"));
    const plain = agent({ name: "plain", model, prices: testPrices });
    const store = new MemoryResponseCache();
    await plain.run("q", { cache: { ttlMs: hour, store } });
    const hit = await plain.run("q", { cache: { ttlMs: hour, store } });
    await plain.run("q");
    expect(hit.modelCalls[0]?.cached).toBe(true);
    expect(model.doGenerateCalls).toHaveLength(2);

    const cachedByDefault = agent({ name: "c", model, prices: testPrices, cache: { ttlMs: hour } });
    await cachedByDefault.run("q");
    const off = await cachedByDefault.run("q", { cache: false });
    expect(off.modelCalls[0]?.cached).toBeUndefined();
  });

  it("keeps entries in the SQLite file, shared across stores and reopens", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-cache-"));
    const ask = async (model: ReturnType<typeof scriptedModel>) => {
      const store = new SqliteStore({ path: join(dir, "baton.db") });
      try {
        const cached = agent({
          name: "c",
          model,
          prices: testPrices,
          cache: { ttlMs: hour, store: store.responseCache },
        });
        return await cached.run("q");
      } finally {
        await store.close();
      }
    };
    try {
      const first = scriptedModel("alpha", textReply("persisted", providerUsage(10, 2)));
      const second = scriptedModel("alpha", textReply("never asked"));
      expect((await ask(first)).cost.totalCents).toBeGreaterThan(0);
      const again = await ask(second); // another store on the file, after the first closed
      expect(again.text).toBe("persisted");
      expect(again.modelCalls[0]?.cached).toBe(true);
      expect(again.cost.totalCents).toBe(0);
      expect(second.doGenerateCalls).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("makes a cached workflow step cost 0, logs the hit, and replays the run exactly", async () => {
    const model = scriptedModel("alpha", textReply("summary", providerUsage(40, 10)));
    const summariser = agent({
      name: "summariser",
      model,
      prices: testPrices,
      cache: { ttlMs: hour },
    });
    const flow = workflow("digest").step("sum", summariser);
    const store = new MemoryStore();
    const first = await flow.run("the text", { store });
    const second = await flow.run("the text", { store });
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(first.cost.totalCents).toBeGreaterThan(0);
    expect(second.cost.totalCents).toBe(0);
    expect(second.steps.sum?.output).toMatchObject({ text: "summary" });
    const log = await store.readLog(second.runId);
    expect(log.filter((event) => event.type === "model-call-cache-hit")).toEqual([
      expect.objectContaining({ stepId: "sum", response: [{ type: "text", text: "summary" }] }),
    ]);
    const replayed = await replay(second.runId, { store, workflows: { digest: flow } });
    expect(replayed.identical).toBe(true);
    expect(replayed.modelCallsRefused).toBe(0);
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  describe("per workflow run", () => {
    it("caches every agent of the run in the run store, so the next run on the store costs 0", async () => {
      const dir = mkdtempSync(join(tmpdir(), "baton-run-cache-"));
      const researcher = scriptedModel("alpha", textReply("facts", providerUsage(30, 6)));
      const writer = scriptedModel("beta", textReply("report", providerUsage(20, 8)));
      const flow = workflow("report")
        .step("facts", agent({ name: "researcher", model: researcher, prices: testPrices }))
        .step("draft", agent({ name: "writer", model: writer, prices: testPrices }), {
          dependsOn: ["facts"],
          input: ({ results }) => results.facts.text,
        });
      const runOn = async () => {
        const store = new SqliteStore({ path: join(dir, "baton.db") });
        try {
          return await flow.run("tides", { store, cache: { ttlMs: hour } });
        } finally {
          await store.close();
        }
      };
      try {
        const first = await runOn();
        const second = await runOn(); // another store on the same file
        expect(first.cost.totalCents).toBeGreaterThan(0);
        expect(second.cost.totalCents).toBe(0);
        expect(second.output).toMatchObject({ text: "report" });
        expect([researcher.doGenerateCalls.length, writer.doGenerateCalls.length]).toEqual([1, 1]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("leaves an agent its own cache, and reaches agents a function step or sub-workflow runs", async () => {
      const own = new MemoryResponseCache();
      const mine = scriptedModel("alpha", textReply("mine"));
      const inner = scriptedModel("beta", textReply("inner"));
      const nested = scriptedModel("gamma", textReply("nested"));
      const cached = agent({
        name: "own",
        model: mine,
        prices: testPrices,
        cache: { ttlMs: hour, store: own },
      });
      const helper = agent({ name: "helper", model: inner, prices: testPrices });
      const sub = workflow<string>("sub").step(
        "n",
        agent({ name: "nested", model: nested, prices: testPrices }),
      );
      const flow = workflow<string>("mixed")
        .step("own", cached)
        .step("fn", async ({ run }) => (await run(helper, "help")).text)
        .step("sub", sub);
      const store = new MemoryStore();
      await flow.run("q", { store, cache: { ttlMs: hour } });
      const again = await flow.run("q", { store, cache: { ttlMs: hour } });
      expect(again.cost.totalCents).toBe(0);
      expect([mine, inner, nested].map((model) => model.doGenerateCalls.length)).toEqual([1, 1, 1]);
      // The agent with its own cache kept its answer there, not in the run store.
      expect(await own.prune({ now: Number.MAX_SAFE_INTEGER })).toBe(1);
      expect(await store.responseCache.prune({ now: Number.MAX_SAFE_INTEGER })).toBe(2);
    });

    it("caches the durable runs of openDurable({ start: { cache } }) in their store", async () => {
      const model = scriptedModel("alpha", textReply("drafted", providerUsage(30, 6)));
      const report = workflow<string>("report").step(
        "draft",
        agent({ name: "writer", model, prices: testPrices }),
      );
      const store = new MemoryStore();
      const durable = await openDurable({
        store,
        workflows: { report },
        start: { cache: { ttlMs: hour } },
      });
      try {
        const first = await durable.start(report, "tides").result;
        const second = await durable.start(report, "tides").result;
        expect(first.cost.totalCents).toBeGreaterThan(0);
        expect(second.cost.totalCents).toBe(0);
        expect(model.doGenerateCalls).toHaveLength(1);
      } finally {
        await durable.close();
      }
    });

    it("rejects a bad run cache, and a run store that keeps none without a store named", async () => {
      const flow = workflow("w").step(
        "a",
        agent({ name: "a", model: scriptedModel("alpha", textReply("x")) }),
      );
      expect(() => flow.start("q", { cache: { ttlMs: -1 } })).toThrow(
        /workflow\("w"\)\.start\(\) \(1 problem\):\n {2}cache\.ttlMs: expected a number of ms > 0, received -1/,
      );
      const bare = new MemoryStore();
      const storeWithout = Object.assign(Object.create(bare), { responseCache: undefined });
      expect(() => flow.start("q", { store: storeWithout, cache: { ttlMs: 1 } })).toThrow(
        /cache\.store: expected a ResponseCacheStore, as the run store keeps no response cache/,
      );
    });
  });

  it("rejects a bad cache option with an OptionsError naming it", async () => {
    const model = scriptedModel("alpha", textReply("x"));
    expect(() => agent({ name: "a", model, cache: { ttlMs: 0 } })).toThrow(
      /\n {2}cache\.ttlMs: expected a number of ms > 0, received 0/,
    );
    expect(() => agent({ name: "a", model, cache: { ttlMs: 1, store: {} as never } })).toThrow(
      /\n {2}cache\.store: expected a ResponseCacheStore/,
    );
    await expect(agent({ name: "a", model }).run("q", { cache: "yes" as never })).rejects.toThrow(
      /a\.run\(\) \(1 problem\):\n {2}cache: expected \{ ttlMs, store\? \} or false, received "yes"/,
    );
  });
});
