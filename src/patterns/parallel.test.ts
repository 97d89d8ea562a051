import { describe, expect, it } from "vitest";
import { parallel } from "./parallel.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

describe("parallel", () => {
  it("gives every agent the same task and the synthesiser every answer", async () => {
    const ledger = new MockLedger();
    const optimist = mockAgent("optimist", "It will work.", { ledger });
    const pessimist = mockAgent("pessimist", "It will fail.", { ledger });
    const editor = mockAgent("editor", "Mixed outlook.", { ledger });
    const run = parallel([optimist.agent, pessimist.agent], { merge: editor.agent }).start(
      "Will it rain?",
    );
    const events = await collect(run.events);
    const result = await run.result;

    expect(result.status).toBe("succeeded");
    expect(optimist.prompts).toEqual(["Will it rain?"]);
    expect(pessimist.prompts).toEqual(["Will it rain?"]);
    expect(editor.prompts).toHaveLength(1);
    expect(editor.prompts[0]).toContain("Task: Will it rain?");
    expect(editor.prompts[0]).toContain("## optimist\nIt will work.");
    expect(editor.prompts[0]).toContain("## pessimist\nIt will fail.");
    expect(result.output).toMatchObject({
      text: "Mixed outlook.",
      merged: "Mixed outlook.",
      answers: [
        { agent: "optimist", text: "It will work." },
        { agent: "pessimist", text: "It will fail." },
      ],
    });
    // The synthesis phase brackets the synthesiser's own model call.
    const phase = events
      .filter(
        (event) =>
          event.type === "synthesis-start" ||
          event.type === "synthesis-end" ||
          (event.type === "model-call-end" && event.stepId === "synthesize"),
      )
      .map((event) => event.type);
    expect(phase).toEqual(["synthesis-start", "model-call-end", "synthesis-end"]);
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("merges with a function, typed by its return value", async () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "3", { ledger });
    const b = mockAgent("b", "4", { ledger });
    const result = await parallel([a.agent, b.agent], {
      merge: (answers) => answers.reduce((sum, answer) => sum + Number(answer.text), 0),
    }).run("count");
    const total: number = result.output.merged;
    expect(total).toBe(7);
    expect(result.output.text).toBe("7");
  });

  it("tolerates failures beyond the quorum, and fails without one", async () => {
    const ledger = new MockLedger();
    const good = mockAgent("good", "fine", { ledger });
    const bad = mockAgent(
      "bad",
      () => {
        throw new Error("provider down");
      },
      { ledger },
    );
    const tolerant = await parallel([good.agent, bad.agent], { quorum: 1 }).run("x");
    expect(tolerant.output.answers.map((answer) => answer.agent)).toEqual(["good"]);
    expect(tolerant.output.text).toBe("[good] fine");

    const strict = await parallel([good.agent, bad.agent]).start("x").result;
    expect(strict.status).toBe("failed");
    expect(strict.error?.message).toContain("provider down");
  });

  it("runs at most maxParallel agents at once", async () => {
    const ledger = new MockLedger();
    const agents = ["a", "b", "c", "d"].map(
      (name) => mockAgent(name, name, { ledger, delayMs: 5 }).agent,
    );
    await parallel(agents, { maxParallel: 2 }).run("go");
    expect(ledger.maxInFlight).toBe(2);
    const unlimited = new MockLedger();
    const more = ["a", "b", "c", "d"].map(
      (name) => mockAgent(name, name, { ledger: unlimited, delayMs: 5 }).agent,
    );
    await parallel(more).run("go");
    expect(unlimited.maxInFlight).toBe(4);
  });

  it("rejects bad options with an OptionsError", () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger }).agent;
    expect(() => parallel([a], { merge: 3 as never })).toThrow(
      /merge: expected an agent, a workflow or a function/,
    );
    expect(() => parallel([a], { maxParallel: 0 })).toThrow(
      /maxParallel: expected an integer >= 1/,
    );
    expect(() => parallel([a], { quorum: 2 })).toThrow(/quorum: expected at most 1/);
  });
});
