import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { agent } from "./agent.js";
import { batchCalls } from "./batch-calls.js";
import { batchTool } from "./batch-tool.js";
import {
  providerUsage,
  scriptedModel,
  streamingModel,
  testPrices,
  textReply,
  textStreamParts,
  toolCallReply,
} from "./test-support.js";

/** A customer table behind a tool that records each round trip. */
function customers() {
  const table: Record<string, { name: string }> = {
    c1: { name: "Ada" },
    c2: { name: "Alan" },
    c3: { name: "Grace" },
  };
  const roundTrips: string[][] = [];
  const lookup = batchTool({
    description: "Looks up a customer by id",
    inputSchema: z.object({ id: z.string() }),
    executeBatch: async (inputs, { toolCallIds }) => {
      roundTrips.push(inputs.map((input) => input.id));
      expect(toolCallIds).toHaveLength(inputs.length);
      return inputs.map(({ id }) => table[id] ?? new Error(`no customer ${id}`));
    },
  });
  return { lookup, roundTrips };
}

const threeLookups = toolCallReply([
  { name: "lookup", input: { id: "c1" }, id: "l1" },
  { name: "lookup", input: { id: "c2" }, id: "l2" },
  { name: "lookup", input: { id: "nobody" }, id: "l3" },
]);

describe("batchTool", () => {
  it("gets the calls one model step makes to it together, in one round trip", async () => {
    const { lookup, roundTrips } = customers();
    const model = scriptedModel(
      "alpha",
      threeLookups,
      toolCallReply([{ name: "lookup", input: { id: "c3" }, id: "l4" }]),
      textReply("Ada, Alan and Grace."),
    );
    const clerk = agent({ name: "clerk", model, prices: testPrices, tools: { lookup } });
    const result = await clerk.run("Who are c1, c2, nobody and c3?");
    expect(roundTrips).toEqual([["c1", "c2", "nobody"], ["c3"]]);
    // Each call is still its own tool call, with its own output or error.
    expect(
      result.toolCalls.map((call) => [call.toolCallId, call.output, call.error?.message]),
    ).toEqual([
      ["l1", { name: "Ada" }, undefined],
      ["l2", { name: "Alan" }, undefined],
      ["l3", undefined, "no customer nobody"],
      ["l4", { name: "Grace" }, undefined],
    ]);
  });

  it("never mixes the calls of two agent runs in one batch", async () => {
    const { lookup, roundTrips } = customers();
    const clerk = (name: string, ids: string[]) =>
      agent({
        name,
        model: scriptedModel(
          name,
          toolCallReply(
            ids.map((id, index) => ({ name: "lookup", input: { id }, id: `${name}${index}` })),
          ),
          textReply("done"),
        ),
        prices: testPrices,
        tools: { lookup },
      });
    await Promise.all([
      clerk("left", ["c1", "c2"]).run("Who?"),
      clerk("right", ["c3", "c1"]).run("Who?"),
    ]);
    expect([...roundTrips].sort()).toEqual([
      ["c1", "c2"],
      ["c3", "c1"],
    ]);
  });

  it("waits for a streamed step's response to end before running the batch", async () => {
    const { lookup, roundTrips } = customers();
    const calls: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "tool-call", toolCallId: "l1", toolName: "lookup", input: '{"id":"c1"}' },
      { type: "tool-call", toolCallId: "l2", toolName: "lookup", input: '{"id":"c3"}' },
      {
        type: "finish",
        usage: providerUsage(10, 4),
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
      },
    ];
    const model = streamingModel("alpha", calls, textStreamParts(["Ada and Grace."]));
    const clerk = agent({ name: "clerk", model, prices: testPrices, tools: { lookup } });
    const run = clerk.stream("Who are c1 and c3?");
    for await (const _ of run.textStream);
    expect((await run.result).text).toBe("Ada and Grace.");
    expect(roundTrips).toEqual([["c1", "c3"]]);
  });

  it("splits a step's calls into batches of maxBatchSize", async () => {
    const sizes: number[] = [];
    const echo = batchTool({
      inputSchema: z.object({ n: z.number() }),
      maxBatchSize: 2,
      executeBatch: async (inputs) => {
        sizes.push(inputs.length);
        return inputs.map(({ n }) => n * 10);
      },
    });
    const model = scriptedModel(
      "alpha",
      toolCallReply([1, 2, 3, 4, 5].map((n) => ({ name: "echo", input: { n }, id: `e${n}` }))),
      textReply("done"),
    );
    const result = await agent({ name: "a", model, prices: testPrices, tools: { echo } }).run("go");
    expect(sizes).toEqual([2, 2, 1]);
    expect(result.toolCalls.map((call) => call.output)).toEqual([10, 20, 30, 40, 50]);
  });

  it("bills the costInCents of each output to its own call", async () => {
    const priced = batchTool({
      inputSchema: z.object({ q: z.string() }),
      executeBatch: async (inputs) => inputs.map(({ q }) => ({ answer: q, costInCents: 0.5 })),
    });
    const model = scriptedModel(
      "alpha",
      toolCallReply([
        { name: "priced", input: { q: "a" } },
        { name: "priced", input: { q: "b" } },
      ]),
      textReply("done"),
    );
    const result = await agent({ name: "a", model, prices: testPrices, tools: { priced } }).run(
      "go",
    );
    expect(result.toolCalls.map((call) => [call.costCents, call.output])).toEqual([
      [0.5, { answer: "a" }],
      [0.5, { answer: "b" }],
    ]);
    expect(result.cost.toolCents).toBe(1);
  });

  it("fails every call of a batch whose function throws, or returns the wrong number of outputs", async () => {
    const broken = batchTool({
      inputSchema: z.object({ n: z.number() }),
      executeBatch: async (inputs) =>
        inputs.length > 1 ? [1] : Promise.reject(new Error("db down")),
    });
    const options = (id: string) => ({ toolCallId: id, messages: [], context: undefined as never });
    const execute = broken.execute!;
    const [first, second] = await Promise.allSettled([
      execute({ n: 1 }, options("a")),
      execute({ n: 2 }, options("b")),
    ]);
    expect(first).toMatchObject({
      status: "rejected",
      reason: {
        message: expect.stringMatching(/array of 2 outputs \(one per input\), received 1/),
      },
    });
    expect(second.status).toBe("rejected");
    await expect(Promise.resolve(execute({ n: 3 }, options("c")))).rejects.toThrow("db down");
  });

  it("rejects a definition without executeBatch", () => {
    expect(() => batchTool({ inputSchema: z.object({}) } as never)).toThrow(
      /definition\.executeBatch to be a function, received undefined/,
    );
    expect(() =>
      batchTool({ inputSchema: z.object({}), executeBatch: async () => [], maxBatchSize: 0 }),
    ).toThrow(/maxBatchSize to be an integer >= 1, received 0/);
  });
});

describe("batchCalls", () => {
  it("passes calls made together to the function as one batch, each getting its own output", async () => {
    const batches: string[][] = [];
    const square = batchCalls(async (inputs: number[]) => {
      batches.push(inputs.map(String));
      return inputs.map((n) => (n < 0 ? new Error(`negative: ${n}`) : n * n));
    });
    const results = await Promise.allSettled([square(2), square(3), square(-1)]);
    expect(batches).toEqual([["2", "3", "-1"]]);
    expect(results).toEqual([
      { status: "fulfilled", value: 4 },
      { status: "fulfilled", value: 9 },
      { status: "rejected", reason: new Error("negative: -1") },
    ]);
    // A later call starts a new batch.
    expect(await square(4)).toBe(16);
    expect(batches).toHaveLength(2);
  });

  it("keeps batches within maxBatchSize", async () => {
    const sizes: number[] = [];
    const double = batchCalls(
      async (inputs: number[]) => {
        sizes.push(inputs.length);
        return inputs.map((n) => n * 2);
      },
      { maxBatchSize: 3 },
    );
    expect(await Promise.all([1, 2, 3, 4].map(double))).toEqual([2, 4, 6, 8]);
    expect(sizes).toEqual([3, 1]);
  });
});
