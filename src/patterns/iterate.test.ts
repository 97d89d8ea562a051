import { describe, expect, it } from "vitest";
import { iterate } from "./iterate.js";
import { judgementSchema } from "./schemas.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

describe("iterate", () => {
  it("stops when the convergence function holds", async () => {
    const ledger = new MockLedger();
    const writer = mockAgent("writer", ["v1", "v2", "v2", "v3"], { ledger });
    const result = await iterate(writer.agent, {
      until: ({ text, previous }) => text === previous,
      maxIterations: 10,
    }).run("a haiku");
    expect(writer.prompts).toHaveLength(3);
    expect(writer.prompts[0]).toBe("a haiku");
    expect(writer.prompts[1]).toContain("Your previous draft:\nv1");
    expect(result.output).toMatchObject({
      text: "v2",
      iterations: 3,
      converged: true,
      stoppedBy: "until",
    });
    expect(result.output.history.map((draft) => draft.text)).toEqual(["v1", "v2", "v2"]);
  });

  it("stops at maxIterations when nothing says done", async () => {
    const ledger = new MockLedger();
    const writer = mockAgent("writer", (_prompt, call) => `v${call}`, { ledger });
    const result = await iterate(writer.agent, { until: () => false, maxIterations: 4 }).run("x");
    expect(writer.prompts).toHaveLength(4);
    expect(result.output).toMatchObject({
      text: "v4",
      iterations: 4,
      converged: false,
      stoppedBy: "max-iterations",
    });
    expect(result.steps.refine!.iterations).toBe(4);
  });

  it("asks the judge, feeds its feedback into the next revision, and stops when it says done", async () => {
    const ledger = new MockLedger();
    const writer = mockAgent("writer", (_prompt, call) => `draft ${call}`, { ledger });
    const critic = mockAgent(
      "critic",
      ['{"done":false,"feedback":"shorter"}', '{"done":true,"feedback":"good"}'],
      { ledger, output: judgementSchema },
    );
    const run = iterate(writer.agent, { judge: critic.agent, maxIterations: 5 }).start("essay");
    const events = await collect(run.events);
    const result = await run.result;
    expect(writer.prompts).toHaveLength(2);
    expect(critic.prompts).toHaveLength(2);
    expect(critic.prompts[0]).toContain("Draft 1:\ndraft 1");
    expect(writer.prompts[1]).toContain("Feedback: shorter");
    expect(result.output).toMatchObject({ text: "draft 2", converged: true, stoppedBy: "judge" });
    expect(result.output.history).toEqual([
      { iteration: 1, text: "draft 1", feedback: "shorter" },
      { iteration: 2, text: "draft 2", feedback: "good" },
    ]);
    expect(
      events
        .filter((event) => event.type === "custom:iteration-end")
        .map((event) => (event as { data?: unknown }).data),
    ).toEqual([
      { iteration: 1, done: false, feedback: "shorter" },
      { iteration: 2, done: true, feedback: "good" },
    ]);
    // Every round is a sub-workflow: its calls roll up into the pattern's result.
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("does not ask the judge once the convergence function holds", async () => {
    const ledger = new MockLedger();
    const writer = mockAgent("writer", ["same", "same"], { ledger });
    const critic = mockAgent("critic", "REVISE: more", { ledger });
    const result = await iterate(writer.agent, {
      judge: critic.agent,
      until: ({ text, previous }) => text === previous,
    }).run("x");
    expect(critic.prompts).toHaveLength(1);
    expect(result.output).toMatchObject({ iterations: 2, stoppedBy: "until" });
    expect(writer.prompts[1]).toContain("Feedback: more");
  });

  it("uses a custom revise prompt", async () => {
    const ledger = new MockLedger();
    const writer = mockAgent("writer", (_prompt, call) => `v${call}`, { ledger });
    await iterate(writer.agent, {
      maxIterations: 2,
      revise: ({ task, draft, iteration }) => `${task}/${draft}/${iteration}`,
    }).run("t");
    expect(writer.prompts).toEqual(["t", "t/v1/2"]);
  });

  it("rejects a bad maxIterations with an OptionsError", () => {
    const ledger = new MockLedger();
    const writer = mockAgent("writer", "x", { ledger }).agent;
    expect(() => iterate(writer, { maxIterations: 0 })).toThrow(
      /iterate\(agent, options\)[\s\S]*maxIterations: expected an integer >= 1, received 0/,
    );
  });
});
