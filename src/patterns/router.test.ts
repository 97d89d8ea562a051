import { describe, expect, it } from "vitest";
import { router } from "./router.js";
import { routeSchema } from "./schemas.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

function desk(ledger: MockLedger) {
  return {
    billing: mockAgent("billing", "Refund issued.", { ledger }),
    tech: mockAgent("tech", "Restart the router.", { ledger }),
    sales: mockAgent("sales", "Here is a quote.", { ledger }),
  };
}

describe("router", () => {
  it("runs only the agent a rule picks", async () => {
    const ledger = new MockLedger();
    const { billing, tech, sales } = desk(ledger);
    const run = router({
      agents: { billing: billing.agent, tech: tech.agent, sales: sales.agent },
      by: (task) => (task.includes("invoice") ? "billing" : "tech"),
    }).start("My invoice is wrong");
    const events = await collect(run.events);
    const result = await run.result;
    expect(result.output).toMatchObject({
      route: "billing",
      pick: "billing",
      decidedBy: "rule",
      fellBack: false,
      text: "Refund issued.",
    });
    expect([billing.prompts, tech.prompts, sales.prompts]).toEqual([
      ["My invoice is wrong"],
      [],
      [],
    ]);
    expect(result.steps["route-tech"]).toMatchObject({ status: "skipped", skipReason: "route" });
    expect(events.find((event) => event.type === "custom:route")).toMatchObject({
      data: { route: "billing", fellBack: false },
    });
  });

  it("asks a model with the route descriptions and runs its structured pick", async () => {
    const ledger = new MockLedger();
    const { billing, tech } = desk(ledger);
    const triage = mockAgent("triage", '{"route":"tech","reason":"connectivity"}', {
      ledger,
      output: routeSchema(["billing", "tech"]),
    });
    const result = await router({
      agents: {
        billing: { agent: billing.agent, description: "invoices and refunds" },
        tech: { agent: tech.agent, description: "broken things" },
      },
      by: triage.agent,
    }).run("The wifi drops");
    expect(triage.prompts[0]).toContain("- billing: invoices and refunds\n- tech: broken things");
    expect(triage.prompts[0]).toContain("Task: The wifi drops");
    expect(result.output).toMatchObject({
      route: "tech",
      decidedBy: "model",
      reason: "connectivity",
      text: "Restart the router.",
    });
    expect(billing.prompts).toEqual([]);
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("with a rule and a model, asks the model only when the rule abstains", async () => {
    const ledger = new MockLedger();
    const { billing, tech } = desk(ledger);
    const triage = mockAgent("triage", "tech", { ledger });
    const flow = router({
      agents: [billing.agent, tech.agent],
      by: {
        rule: (task) => (task.includes("refund") ? "billing" : undefined),
        model: triage.agent,
      },
    });
    const ruled = await flow.run("I want a refund");
    expect(ruled.output).toMatchObject({ route: "billing", decidedBy: "rule" });
    expect(triage.prompts).toHaveLength(0);
    expect(ruled.steps.classify).toMatchObject({ status: "skipped", skipReason: "condition" });

    const modelled = await flow.run("Something odd happened");
    expect(modelled.output).toMatchObject({ route: "tech", decidedBy: "model", fellBack: false });
    expect(triage.prompts).toHaveLength(1);
  });

  it("sends an unknown pick, from a rule or a model, to the fallback", async () => {
    const ledger = new MockLedger();
    const { billing, tech, sales } = desk(ledger);
    const agents = { billing: billing.agent, tech: tech.agent, sales: sales.agent };
    const byRule = router({ agents, by: () => "astrology", fallback: "sales" }).start("stars?");
    const events = await collect(byRule.events);
    const ruled = await byRule.result;
    expect(ruled.output).toMatchObject({
      route: "sales",
      pick: "astrology",
      fellBack: true,
      text: "Here is a quote.",
    });
    expect(events.find((event) => event.type === "custom:route")).toMatchObject({
      data: { route: "sales", pick: "astrology", fellBack: true },
    });

    const confused = mockAgent("confused", "I would ask the astrologer", { ledger });
    const modelled = await router({ agents, by: confused.agent }).run("stars?");
    expect(modelled.output).toMatchObject({ route: "billing", fellBack: true, decidedBy: "model" });
    expect(billing.prompts).toEqual(["stars?"]);
  });

  it("reads a model's plain answer that mentions exactly one route", async () => {
    const ledger = new MockLedger();
    const { billing, tech } = desk(ledger);
    const chatty = mockAgent("chatty", "I'd send this to **tech**.", { ledger });
    const result = await router({ agents: [billing.agent, tech.agent], by: chatty.agent }).run("?");
    expect(result.output).toMatchObject({ route: "tech", fellBack: false });
  });

  it("rejects an unknown fallback and a bad `by` with an OptionsError", () => {
    const ledger = new MockLedger();
    const { billing } = desk(ledger);
    expect(() => router({ agents: [billing.agent], by: () => "x", fallback: "nope" })).toThrow(
      /fallback: expected one of "billing", received "nope"/,
    );
    expect(() => router({ agents: [billing.agent], by: 3 as never })).toThrow(
      /by: expected a function, an agent/,
    );
    expect(() => router({ agents: {}, by: () => "x" })).toThrow(
      /router\(options\)[\s\S]*agents: expected at least one agent/,
    );
  });
});
