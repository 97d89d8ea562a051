import { describe, expect, it } from "vitest";
import { collaborative } from "./collaborative.js";
import { MockLedger, mockAgent } from "./test-support.js";

describe("collaborative", () => {
  it("passes one draft around the agents for every round", async () => {
    const ledger = new MockLedger();
    const edit = (name: string) => (prompt: string) => {
      const draft = /so far \(round \d of \d\):\n(.*)\n\n/s.exec(prompt)?.[1];
      return draft === undefined ? name : `${draft}+${name}`;
    };
    const engineer = mockAgent("engineer", edit("E"), { ledger });
    const designer = mockAgent("designer", edit("D"), { ledger });
    const result = await collaborative({
      agents: [engineer.agent, designer.agent],
      rounds: 3,
    }).run("onboarding flow");
    expect(engineer.prompts).toHaveLength(3);
    expect(designer.prompts).toHaveLength(3);
    expect(engineer.prompts[0]).toContain("Write the first full draft.");
    expect(designer.prompts[0]).toContain("(round 1 of 3):\nE\n");
    expect(result.output.text).toBe("E+D+E+D+E+D");
    expect(
      result.output.contributions.map((turn) => `${turn.round}:${turn.agent}:${turn.text}`),
    ).toEqual([
      "1:engineer:E",
      "1:designer:E+D",
      "2:engineer:E+D+E",
      "2:designer:E+D+E+D",
      "3:engineer:E+D+E+D+E",
      "3:designer:E+D+E+D+E+D",
    ]);
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("uses a custom turn prompt", async () => {
    const ledger = new MockLedger();
    const solo = mockAgent("solo", (_prompt, call) => `d${call}`, { ledger });
    await collaborative({
      agents: [solo.agent],
      rounds: 2,
      prompt: ({ draft, round }) => `${round}:${draft ?? "-"}`,
    }).run("t");
    expect(solo.prompts).toEqual(["1:-", "2:d1"]);
  });

  it("rejects bad rounds with an OptionsError", () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger }).agent;
    expect(() => collaborative({ agents: [a], rounds: -1 })).toThrow(
      /collaborative\(options\)[\s\S]*rounds: expected an integer >= 1, received -1/,
    );
  });
});
