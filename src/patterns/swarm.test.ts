import { describe, expect, it } from "vitest";
import { swarm } from "./swarm.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

describe("swarm", () => {
  it("splits the task across domains, round-robin over the agents, and synthesises", async () => {
    const ledger = new MockLedger();
    const scoutA = mockAgent(
      "scout-a",
      (prompt) => `A on ${/Your part: (\w+)/.exec(prompt)?.[1]}`,
      {
        ledger,
      },
    );
    const scoutB = mockAgent(
      "scout-b",
      (prompt) => `B on ${/Your part: (\w+)/.exec(prompt)?.[1]}`,
      {
        ledger,
      },
    );
    const analyst = mockAgent("analyst", "The market is attractive.", { ledger });
    const flow = swarm({
      agents: [scoutA.agent, scoutB.agent],
      domains: ["pricing", "competitors", "regulation"],
      synthesizer: analyst.agent,
    });
    expect(flow.stepIds).toEqual(["pricing", "competitors", "regulation", "synthesize"]);
    const run = flow.start("Enter the e-bike market?");
    const events = await collect(run.events);
    const result = await run.result;

    expect(scoutA.prompts.map((prompt) => /Your part: (\w+)/.exec(prompt)?.[1])).toEqual([
      "pricing",
      "regulation",
    ]);
    expect(scoutB.prompts).toEqual([
      "Enter the e-bike market?\n\nYour part: competitors. Cover only this part; others cover the rest.",
    ]);
    expect(analyst.prompts[0]).toContain("## scout-b (competitors)\nB on competitors");
    expect(result.output.text).toBe("The market is attractive.");
    expect(result.output.answers.map((answer) => [answer.domain, answer.text])).toEqual([
      ["pricing", "A on pricing"],
      ["competitors", "B on competitors"],
      ["regulation", "A on regulation"],
    ]);
    expect(events.map((event) => event.type)).toContain("synthesis-end");
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("never runs more than maxParallel branches at once", async () => {
    const ledger = new MockLedger();
    const worker = mockAgent("worker", "done", { ledger, delayMs: 5 });
    const synthesizer = mockAgent("boss", "merged", { ledger });
    await swarm({
      agents: [worker.agent],
      domains: ["a", "b", "c", "d", "e", "f"],
      maxParallel: 2,
      synthesizer: synthesizer.agent,
    }).run("task");
    expect(worker.prompts).toHaveLength(6);
    expect(ledger.maxInFlight).toBe(2);
  });

  it("keeps the limit when the caller asks for more concurrency, and lowers it when asked", async () => {
    const ledger = new MockLedger();
    const worker = mockAgent("worker", "done", { ledger, delayMs: 5 });
    const flow = swarm({ agents: [worker.agent], domains: ["a", "b", "c", "d"], maxParallel: 3 });
    await flow.start("task", { concurrency: 10 }).result;
    expect(ledger.maxInFlight).toBe(3);
    ledger.maxInFlight = 0;
    await flow.start("task", { concurrency: 1 }).result;
    expect(ledger.maxInFlight).toBe(1);
  });

  it("gives every agent the whole task when there are no domains", async () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger });
    const b = mockAgent("b", "y", { ledger });
    const result = await swarm({ agents: [a.agent, b.agent] }).run("the task");
    expect([...a.prompts, ...b.prompts]).toEqual(["the task", "the task"]);
    expect(result.output.text).toBe("[a] x\n\n[b] y");
  });

  it("rejects bad domains with an OptionsError", () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger }).agent;
    expect(() => swarm({ agents: [a], domains: [] })).toThrow(
      /domains: expected at least one domain/,
    );
    expect(() => swarm({ agents: [] })).toThrow(
      /swarm\(options\)[\s\S]*agents: expected at least one agent/,
    );
  });
});
