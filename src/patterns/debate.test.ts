import { describe, expect, it } from "vitest";
import { debate } from "./debate.js";
import { PatternOutputError } from "./pattern-output-error.js";
import { verdictSchema } from "./schemas.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

describe("debate", () => {
  it("runs exactly `rounds` rounds, then the judge once", async () => {
    for (const rounds of [1, 3]) {
      const ledger = new MockLedger();
      const pro = mockAgent("advocate", (_prompt, call) => `pro argument ${call}`, { ledger });
      const con = mockAgent("critic", (_prompt, call) => `con argument ${call}`, { ledger });
      const judge = mockAgent("judge", '{"winner":"con","reasoning":"better evidence"}', {
        ledger,
        output: verdictSchema,
      });
      const run = debate({ pro: pro.agent, con: con.agent, judge: judge.agent, rounds }).start(
        "Tabs beat spaces",
      );
      const events = await collect(run.events);
      const result = await run.result;
      expect(pro.prompts).toHaveLength(rounds);
      expect(con.prompts).toHaveLength(rounds);
      expect(judge.prompts).toHaveLength(1);
      expect(result.output.transcript.map((turn) => `${turn.round}:${turn.side}`)).toEqual(
        Array.from({ length: rounds }, (_, index) => [
          `${index + 1}:pro`,
          `${index + 1}:con`,
        ]).flat(),
      );
      expect(result.output).toMatchObject({
        winner: "con",
        verdict: "better evidence",
        text: "Winner: con. better evidence",
      });
      expect(events.find((event) => event.type === "custom:verdict")).toMatchObject({
        data: { winner: "con" },
      });
      expect(result.usage).toEqual(ledger.usage());
      expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
    }
  });

  it("shows each speaker the debate so far, and the judge the whole transcript", async () => {
    const ledger = new MockLedger();
    const pro = mockAgent("advocate", (_prompt, call) => `P${call}`, { ledger });
    const con = mockAgent("critic", (_prompt, call) => `C${call}`, { ledger });
    const judge = mockAgent("judge", "The winner: pro, by a nose.", { ledger });
    const result = await debate({ pro: pro.agent, con: con.agent, judge: judge.agent }).run("M");
    expect(pro.prompts[0]).toContain("You argue FOR the motion. This is round 1 of 2.");
    expect(pro.prompts[0]).not.toContain("The debate so far");
    expect(con.prompts[0]).toContain("[Round 1, for] P1");
    expect(pro.prompts[1]).toContain("[Round 1, for] P1\n\n[Round 1, against] C1");
    expect(judge.prompts[0]).toContain(
      "[Round 1, for] P1\n\n[Round 1, against] C1\n\n[Round 2, for] P2\n\n[Round 2, against] C2",
    );
    expect(result.output.winner).toBe("pro");
  });

  it("fails with PatternOutputError when the judge names no winner", async () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger });
    const judge = mockAgent("judge", "Both were fine.", { ledger });
    const result = await debate({
      pro: a.agent,
      con: a.agent,
      judge: judge.agent,
      rounds: 1,
    }).start("M").result;
    expect(PatternOutputError.isInstance(result.error)).toBe(true);
  });

  it("rejects a bad rounds with an OptionsError", () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger }).agent;
    expect(() => debate({ pro: a, con: a, judge: a, rounds: 0 })).toThrow(
      /debate\(options\)[\s\S]*rounds: expected an integer >= 1, received 0/,
    );
  });
});
