import { describe, expect, it } from "vitest";
import { cascade, feedersOf } from "./cascade.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

describe("cascade", () => {
  it("feeds contiguous groups of one tier into the next, ending in one synthesiser", async () => {
    const ledger = new MockLedger();
    const searcher = mockAgent("searcher", (prompt) => `found ${/angle (\d)/.exec(prompt)?.[1]}`, {
      ledger,
    });
    const analyst = mockAgent("analyst", (_prompt, call) => `analysis ${call}`, { ledger });
    const writer = mockAgent("writer", "the report", { ledger });
    const flow = cascade({
      tiers: [
        { name: "search", agent: searcher.agent, size: 4 },
        { name: "analyse", agent: analyst.agent, size: 2 },
        { name: "synthesise", agent: writer.agent },
      ],
    });
    expect(flow.graph().steps.map((step) => [step.id, step.dependsOn])).toEqual([
      ["search-1", []],
      ["search-2", []],
      ["search-3", []],
      ["search-4", []],
      ["analyse-1", ["search-1", "search-2"]],
      ["analyse-2", ["search-3", "search-4"]],
      ["synthesise-1", ["analyse-1", "analyse-2"]],
    ]);
    const run = flow.start("EV batteries");
    const events = await collect(run.events);
    const result = await run.result;
    expect(searcher.prompts).toHaveLength(4);
    expect(searcher.prompts[0]).toContain("You are search 1 of 4: take angle 1 of 4");
    const analysed = analyst.prompts.join("\n");
    expect(analysed).toContain("### search-1\nfound 1\n\n### search-2\nfound 2");
    expect(analysed).toContain("### search-3\nfound 3\n\n### search-4\nfound 4");
    expect(writer.prompts[0]).toContain("Findings from the analyse tier");
    expect(writer.prompts[0]).toContain("Synthesise these findings into the final answer");
    expect(result.output.text).toBe("the report");
    expect(result.output.tiers.map((tier) => [tier.name, tier.answers.length])).toEqual([
      ["search", 4],
      ["analyse", 2],
      ["synthesise", 1],
    ]);
    expect(events.map((event) => event.type)).toContain("synthesis-start");
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("partitions uneven tiers and gives a wider tier every previous answer", () => {
    expect([0, 1].map((index) => feedersOf(index, 2, 5))).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    expect([0, 1, 2].map((index) => feedersOf(index, 3, 3))).toEqual([[0], [1], [2]]);
    expect(feedersOf(2, 4, 2)).toEqual([0, 1]);
  });

  it("takes tiers of distinct agents, custom prompts and a concurrency limit", async () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "A", { ledger, delayMs: 5 });
    const b = mockAgent("b", "B", { ledger, delayMs: 5 });
    const c = mockAgent("c", "C", { ledger, delayMs: 5 });
    const judge = mockAgent("judge", "J", { ledger });
    const result = await cascade({
      tiers: [
        { name: "first", agents: [a.agent, b.agent, c.agent] },
        {
          name: "last",
          agent: judge.agent,
          prompt: ({ inputs }) => inputs.map((input) => input.text).join("+"),
        },
      ],
      maxParallel: 1,
    }).run("t");
    expect(judge.prompts).toEqual(["A+B+C"]);
    expect(ledger.maxInFlight).toBe(1);
    expect(result.output.text).toBe("J");
  });

  it("rejects duplicate tier names and mixed agent / agents with an OptionsError", () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger }).agent;
    expect(() =>
      cascade({
        tiers: [
          { name: "x", agent: a },
          { name: "x", agent: a },
        ],
      }),
    ).toThrow(/tiers\[1\]\.name: expected a unique tier name, received "x"/);
    expect(() => cascade({ tiers: [{ name: "x", agent: a, agents: [a] }] })).toThrow(
      /tiers\[0\]\.agents: expected either agents, or agent and size, not both/,
    );
    expect(() => cascade({ tiers: [] })).toThrow(/tiers: expected at least one tier/);
  });

  it("with failureMode continue, a failed member no longer fails the run: the rest work from the answers that came", async () => {
    const ledger = new MockLedger();
    const searcher = mockAgent(
      "searcher",
      (prompt) => {
        if (prompt.includes("angle 2 of")) throw new Error("search API down");
        return `found ${/angle (\d)/.exec(prompt)?.[1]}`;
      },
      { ledger },
    );
    const writer = mockAgent("writer", "the report", { ledger });
    const flow = cascade({
      failureMode: "continue",
      tiers: [
        { name: "search", agent: searcher.agent, size: 3 },
        { name: "write", agent: writer.agent },
      ],
    });
    const result = await flow.run("EV batteries");
    expect(result.status).toBe("succeeded");
    expect(result.output.text).toBe("the report");
    expect(result.output.failed).toEqual([{ stepId: "search-2", tier: "search" }]);
    expect(result.output.tiers[0]?.answers.map((answer) => answer.stepId)).toEqual([
      "search-1",
      "search-3",
    ]);
    expect(writer.prompts[0]).toContain("### search-1\nfound 1\n\n### search-3\nfound 3");
    expect(result.steps["search-2"]?.status).toBe("failed");
  });

  it("fails the run without the option, and when a quorum of answers is not met", async () => {
    const ledger = new MockLedger();
    const flaky = mockAgent(
      "flaky",
      (prompt) => {
        if (!prompt.includes("angle 1 of")) throw new Error("down");
        return "found";
      },
      { ledger },
    );
    const writer = mockAgent("writer", "the report", { ledger });
    const tiers = [
      { name: "search", agent: flaky.agent, size: 3 },
      { name: "write", agent: writer.agent },
    ];
    const failFast = await cascade({ tiers }).start("task").result;
    expect(failFast.status).toBe("failed");
    const quorum = await cascade({ tiers, failureMode: { quorum: 2 } }).start("task").result;
    expect(quorum.status).toBe("failed");
    expect(quorum.steps["write-1"]?.status).toBe("skipped");
    const one = await cascade({ tiers, failureMode: { quorum: 1 } }).run("task");
    expect(one.output.failed.map((member) => member.stepId)).toEqual(["search-2", "search-3"]);
    expect(() => cascade({ tiers, failureMode: "sometimes" as never })).toThrow(
      /failureMode: expected "fail-fast", "continue" or \{ quorum: n \}/,
    );
  });

  it("tolerates a failed member of the last tier while another one answered", async () => {
    const ledger = new MockLedger();
    const writer = mockAgent(
      "writer",
      (prompt) => {
        if (prompt.includes("angle 1 of")) throw new Error("down");
        return "draft";
      },
      { ledger },
    );
    const result = await cascade({
      failureMode: "continue",
      tiers: [{ name: "write", agent: writer.agent, size: 2 }],
    }).run("task");
    expect(result.output.text).toBe("draft");
    expect(result.output.tiers[0]?.answers.map((answer) => answer.stepId)).toEqual(["write-2"]);
    expect(result.output.failed).toEqual([{ stepId: "write-1", tier: "write" }]);
  });
});
