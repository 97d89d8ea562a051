import { describe, expect, it } from "vitest";
import { workflow } from "../index.js";
import { sequential } from "./sequential.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

describe("sequential", () => {
  it("passes each stage's answer to the next and returns every stage", async () => {
    const ledger = new MockLedger();
    const researcher = mockAgent("researcher", (prompt) => `facts about ${prompt}`, { ledger });
    const writer = mockAgent("writer", (prompt) => `draft from (${prompt})`, { ledger });
    const editor = mockAgent("editor", (prompt) => `edited: ${prompt}`, { ledger });
    const result = await sequential([researcher.agent, writer.agent, editor.agent]).run("otters");

    expect(researcher.prompts).toEqual(["otters"]);
    expect(writer.prompts).toEqual(["facts about otters"]);
    expect(editor.prompts).toEqual(["draft from (facts about otters)"]);
    expect(result.output.text).toBe("edited: draft from (facts about otters)");
    expect(result.output.stages.map((stage) => [stage.agent, stage.stepId])).toEqual([
      ["researcher", "researcher"],
      ["writer", "writer"],
      ["editor", "editor"],
    ]);
  });

  it("builds later inputs with handoff, and gives repeated agents distinct steps", async () => {
    const ledger = new MockLedger();
    const polish = mockAgent("polish", (_prompt, call) => `v${call}`, { ledger });
    const flow = sequential([polish.agent, polish.agent], {
      name: "twice",
      handoff: ({ task, previous, index }) => `${task} | ${previous.text} | stage ${index}`,
    });
    expect(flow.name).toBe("twice");
    expect(flow.stepIds).toEqual(["polish", "polish-2"]);
    const result = await flow.run("poem");
    expect(polish.prompts).toEqual(["poem", "poem | v1 | stage 1"]);
    expect(result.output.text).toBe("v2");
  });

  it("reports usage and cost equal to the sum of every model call", async () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "one", { ledger });
    const b = mockAgent("b", "two", { ledger });
    const run = sequential([a.agent, b.agent]).start("go");
    const events = await collect(run.events);
    const result = await run.result;
    expect(ledger.usages).toHaveLength(2);
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
    expect(result.cost.unpricedModels).toEqual([]);
    expect(
      events.filter((event) => event.type === "step-end").map((event) => event.stepId),
    ).toEqual(["a", "b"]);
  });

  it("nests as a step of another workflow", async () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", (prompt) => `${prompt}!`, { ledger });
    const outer = workflow<string>("outer")
      .step("pipe", sequential([a.agent, a.agent]))
      .step("len", async ({ results }) => results.pipe.output.text.length, {
        dependsOn: ["pipe"],
      });
    const result = await outer.start("hi").result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe("hi!!".length);
    expect(result.usage).toEqual(ledger.usage());
  });

  it("rejects bad agents with a TypeError naming them, and bad options with an OptionsError", () => {
    expect(() => sequential([])).toThrow(/sequential\(agents\): expected an array of at least 1/);
    expect(() => sequential([{} as never])).toThrow(/sequential\(agents\)\[0\]/);
    const ledger = new MockLedger();
    expect(() =>
      sequential([mockAgent("a", "x", { ledger }).agent], { handoff: "x" as never }),
    ).toThrow(/handoff: expected a function/);
  });
});
