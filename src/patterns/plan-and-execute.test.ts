import { describe, expect, it } from "vitest";
import { PatternOutputError } from "./pattern-output-error.js";
import { planAndExecute } from "./plan-and-execute.js";
import { PlanError } from "./plan-error.js";
import { planSchema } from "./schemas.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

const plan = (subtasks: unknown[]) => JSON.stringify({ subtasks });

describe("planAndExecute", () => {
  it("runs the planned graph: independent subtasks in parallel, dependents after, seeing their results", async () => {
    const ledger = new MockLedger();
    const planner = mockAgent(
      "planner",
      plan([
        { id: "prices", agent: "researcher", task: "find prices", dependsOn: [] },
        { id: "rivals", agent: "researcher", task: "find rivals", dependsOn: [] },
        { id: "report", agent: "writer", task: "write it up", dependsOn: ["prices", "rivals"] },
      ]),
      { ledger, output: planSchema },
    );
    const researcher = mockAgent(
      "researcher",
      (prompt) => (prompt.includes("find prices") ? "prices are 3 EUR" : "rival is Acme"),
      { ledger, delayMs: 5 },
    );
    const writer = mockAgent("writer", "the report", { ledger });
    const editor = mockAgent("editor", "final answer", { ledger });
    const run = planAndExecute({
      planner: planner.agent,
      agents: {
        researcher: { agent: researcher.agent, description: "finds facts" },
        writer: writer.agent,
      },
      synthesizer: editor.agent,
    }).start("Market report");
    const events = await collect(run.events);
    const result = await run.result;

    expect(result.status).toBe("succeeded");
    expect(planner.prompts[0]).toContain("- researcher: finds facts\n- writer");
    expect(ledger.maxInFlight).toBe(2);
    expect(writer.prompts).toHaveLength(1);
    expect(writer.prompts[0]).toContain("Your subtask (report): write it up");
    expect(writer.prompts[0]).toContain("### prices (researcher)\nprices are 3 EUR");
    expect(writer.prompts[0]).toContain("### rivals (researcher)\nrival is Acme");
    // The dependent subtask ran after both of its dependencies answered.
    const writerCall = ledger.calls.findIndex((call) => call.startsWith("writer:"));
    const researcherCalls = ledger.calls
      .map((call, index) => (call.startsWith("researcher:") ? index : -1))
      .filter((index) => index >= 0);
    expect(researcherCalls.every((index) => index < writerCall)).toBe(true);
    expect(editor.prompts[0]).toContain("### report (writer): write it up\nthe report");
    expect(result.output.text).toBe("final answer");
    expect(result.output.subtasks.map((subtask) => subtask.id)).toEqual([
      "prices",
      "rivals",
      "report",
    ]);
    expect(result.output.results.map((entry) => entry.text)).toEqual([
      "prices are 3 EUR",
      "rival is Acme",
      "the report",
    ]);
    const types = events.map((event) => event.type);
    expect(types.indexOf("decomposition-end")).toBeLessThan(types.indexOf("synthesis-start"));
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("rejects a cyclic plan, and one naming unknown agents, before any worker runs", async () => {
    const ledger = new MockLedger();
    const worker = mockAgent("worker", "x", { ledger });
    const cases: Array<[unknown[], string[]]> = [
      [
        [
          { id: "a", agent: "worker", task: "a", dependsOn: ["b"] },
          { id: "b", agent: "worker", task: "b", dependsOn: ["a"] },
        ],
        ["the dependencies form a cycle: a -> b -> a"],
      ],
      [
        [{ id: "a", agent: "wizard", task: "a", dependsOn: [] }],
        ['subtask "a" names the agent "wizard", which is not one of "worker"'],
      ],
      [[], ["the plan has no subtasks"]],
    ];
    for (const [subtasks, problems] of cases) {
      const planner = mockAgent("planner", plan(subtasks), { ledger });
      const result = await planAndExecute({ planner: planner.agent, agents: [worker.agent] }).start(
        "t",
      ).result;
      expect(result.status).toBe("failed");
      expect(PlanError.isInstance(result.error)).toBe(true);
      expect((result.error as PlanError).problems).toEqual(problems);
    }
    expect(worker.prompts).toEqual([]);
  });

  it("fails with PatternOutputError when the planner's answer is not a plan", async () => {
    const ledger = new MockLedger();
    const planner = mockAgent("planner", "First research, then write.", { ledger });
    const worker = mockAgent("worker", "x", { ledger });
    const result = await planAndExecute({ planner: planner.agent, agents: [worker.agent] }).start(
      "t",
    ).result;
    expect(PatternOutputError.isInstance(result.error)).toBe(true);
    expect(result.usage).toEqual(ledger.usage());
  });

  it("joins the results when there is no synthesiser", async () => {
    const ledger = new MockLedger();
    const planner = mockAgent("planner", plan([{ id: "s1", agent: "worker", task: "do" }]), {
      ledger,
    });
    const worker = mockAgent("worker", "did", { ledger });
    const result = await planAndExecute({ planner: planner.agent, agents: [worker.agent] }).run(
      "t",
    );
    expect(result.output.text).toBe("### s1 (worker): do\ndid");
  });
});
