import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { ManualClock } from "../../testing/manual-clock.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { fakeAgent } from "../test-support/fake-agent.js";

describe("Step prefetch", () => {
  it("starts a step's loaders when the run starts, so loading overlaps with the steps upstream", async () => {
    const clock = new ManualClock();
    const started: Record<string, number> = {};
    const timed = (name: string, ms: number, value: unknown) => async () => {
      started[name] = clock.now();
      await clock.sleep(ms);
      return value;
    };
    const writer = fakeAgent("writer", { delayMs: 20 });
    const flow = workflow<string>("answer")
      .step("research", timed("research", 100, "findings"))
      .step("answer", writer, {
        dependsOn: ["research"],
        prefetch: {
          policy: timed("policy", 80, "refunds within 30 days"),
          history: timed("history", 60, ["order 1"]),
        },
        input: ({ results, prefetched }) =>
          `${results.research} | ${String(prefetched?.policy)} | ${JSON.stringify(prefetched?.history)}`,
      });
    expect(flow.graph().steps.map((step) => [step.id, step.dependsOn])).toEqual([
      ["research", []],
      ["answer-policy", []],
      ["answer-history", []],
      ["answer", ["research", "answer-policy", "answer-history"]],
    ]);
    const result = await clock.runUntil(flow.start("refund?", { clock }).result);
    expect(result.status).toBe("succeeded");
    expect(started).toEqual({ research: 0, policy: 0, history: 0 });
    expect(writer.calls[0]?.input).toBe('findings | refunds within 30 days | ["order 1"]');
    // The writer started when research ended: the loaders' 140 ms were hidden behind it.
    expect(result.steps.answer?.startedAt).toBe(100);
    expect(result.steps.answer?.endedAt).toBe(120);
  });

  it("starts a loader with its own dependsOn once they end, and gives function steps `prefetched`", async () => {
    const clock = new ManualClock();
    const flow = workflow<string>("w")
      .step("customer", async () => {
        await clock.sleep(10);
        return "ada";
      })
      .step("slow", async () => {
        await clock.sleep(100);
        return "slow done";
      })
      .step(
        "reply",
        ({ results, prefetched, emit }) => {
          emit({ type: "custom:prefetched", data: prefetched });
          return `${results.slow}; ${String(prefetched?.orders)}`;
        },
        {
          dependsOn: ["slow"],
          prefetch: {
            orders: {
              dependsOn: ["customer"],
              load: async ({ results }) => {
                await clock.sleep(30);
                return `orders of ${results.customer} (loaded at ${clock.now()})`;
              },
            },
          },
          when: ({ prefetched }) => prefetched?.orders !== undefined,
        },
      );
    const run = flow.start("x", { clock });
    const result = await clock.runUntil(run.result);
    expect(result.output).toBe("slow done; orders of ada (loaded at 40)");
    expect(result.steps["reply-orders"]).toMatchObject({ status: "succeeded", startedAt: 10 });
  });

  it("rejects a bad loader, and a loader whose step id is taken", () => {
    expect(() =>
      workflow("w").step("a", async () => 1, { prefetch: { docs: 42 as never } }),
    ).toThrow(
      'Invalid options for step "a" (1 problem):\n  prefetch.docs: expected a function or { load, dependsOn? }, received 42',
    );
    expect(() => workflow("w").step("a", async () => 1, { prefetch: [] as never })).toThrow(
      "\n  prefetch: expected an object of loaders by name, received an array",
    );
    const taken = workflow("w").step("a-docs", async () => 1);
    expect(() => taken.step("a", async () => 1, { prefetch: { docs: async () => 2 } })).toThrow(
      ConfigurationError,
    );
  });
});
