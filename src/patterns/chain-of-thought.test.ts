import { describe, expect, it } from "vitest";
import { chainOfThought } from "./chain-of-thought.js";
import { MockLedger, mockAgent } from "./test-support.js";

describe("chainOfThought", () => {
  it("makes one call per reasoning step, each seeing the chain so far, then answers", async () => {
    const ledger = new MockLedger();
    const reasoner = mockAgent(
      "reasoner",
      (prompt, call) => (prompt.includes("final answer, concisely") ? "42" : `thought ${call}`),
      { ledger },
    );
    const result = await chainOfThought({
      reasoner: reasoner.agent,
      steps: ["Knowns", "Plan", "Solve"],
    }).run("6 times 7?");
    expect(reasoner.prompts).toHaveLength(4);
    expect(reasoner.prompts[0]).toContain("Reasoning step 1 of 3: Knowns.");
    expect(reasoner.prompts[0]).not.toContain("Your reasoning so far");
    expect(reasoner.prompts[2]).toContain("Step 1 (Knowns): thought 1\n\nStep 2 (Plan): thought 2");
    expect(reasoner.prompts[3]).toContain("Step 3 (Solve): thought 3");
    expect(result.output).toEqual({
      chain: [
        { step: 1, instruction: "Knowns", text: "thought 1" },
        { step: 2, instruction: "Plan", text: "thought 2" },
        { step: 3, instruction: "Solve", text: "thought 3" },
      ],
      answer: "42",
      output: "42",
      text: "42",
    });
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("takes a number of steps and a separate answerer", async () => {
    const ledger = new MockLedger();
    const reasoner = mockAgent("reasoner", (_prompt, call) => `t${call}`, { ledger });
    const answerer = mockAgent("answerer", "final", { ledger });
    const result = await chainOfThought({
      reasoner: reasoner.agent,
      answerer: answerer.agent,
      steps: 2,
    }).run("q");
    expect(reasoner.prompts).toHaveLength(2);
    expect(answerer.prompts[0]).toContain("Step 1: t1\n\nStep 2: t2");
    expect(result.output.chain.map((thought) => thought.text)).toEqual(["t1", "t2"]);
    expect(result.output.answer).toBe("final");
  });

  it("rejects bad steps with an OptionsError", () => {
    const ledger = new MockLedger();
    const reasoner = mockAgent("r", "x", { ledger }).agent;
    expect(() => chainOfThought({ reasoner, steps: 0 })).toThrow(/steps: expected an integer >= 1/);
    expect(() => chainOfThought({ reasoner, steps: [] })).toThrow(/steps: expected at least one/);
  });
});
