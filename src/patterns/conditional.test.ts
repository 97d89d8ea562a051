import { describe, expect, it } from "vitest";
import { conditional } from "./conditional.js";
import { PatternOutputError } from "./pattern-output-error.js";
import { conditionSchema } from "./schemas.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

describe("conditional", () => {
  it("runs whenTrue or whenFalse as the function decides, skipping the other", async () => {
    const ledger = new MockLedger();
    const summarizer = mockAgent("summarizer", "short", { ledger });
    const responder = mockAgent("responder", "reply", { ledger });
    const flow = conditional((task) => task.length > 10, summarizer.agent, responder.agent);

    const long = flow.start("a very long email indeed");
    const events = await collect(long.events);
    const longResult = await long.result;
    expect(longResult.output).toEqual({
      condition: true,
      agent: "summarizer",
      text: "short",
      output: "short",
    });
    expect(longResult.steps["if-false"]).toMatchObject({ status: "skipped", skipReason: "route" });
    expect(events.find((event) => event.type === "custom:condition")).toMatchObject({
      data: { condition: true },
    });

    const short = await flow.run("hi");
    expect(short.output).toMatchObject({ condition: false, agent: "responder", text: "reply" });
    expect(summarizer.prompts).toEqual(["a very long email indeed"]);
    expect(responder.prompts).toEqual(["hi"]);
  });

  it("asks a judge agent, reading structured output or a plain yes / no", async () => {
    const ledger = new MockLedger();
    const yes = mockAgent("yes", "y", { ledger });
    const no = mockAgent("no", "n", { ledger });
    const structured = mockAgent("strict", '{"answer":false,"reason":"not urgent"}', {
      ledger,
      output: conditionSchema,
    });
    const first = await conditional(structured.agent, yes.agent, no.agent).run("Is it urgent?");
    expect(first.output).toMatchObject({ condition: false, reason: "not urgent", text: "n" });

    const plain = mockAgent("plain", "Yes, clearly.", { ledger });
    const second = await conditional(plain.agent, yes.agent, no.agent).run("Is it urgent?");
    expect(second.output).toMatchObject({ condition: true, text: "y" });
    expect(plain.prompts[0]).toContain("Is it urgent?");
    expect(first.usage.totalTokens + second.usage.totalTokens).toBe(ledger.usage().totalTokens);
  });

  it("fails with PatternOutputError when the judge says neither yes nor no", async () => {
    const ledger = new MockLedger();
    const vague = mockAgent("vague", "It depends.", { ledger });
    const a = mockAgent("a", "a", { ledger });
    const result = await conditional(vague.agent, a.agent, a.agent).start("?").result;
    expect(result.status).toBe("failed");
    expect(PatternOutputError.isInstance(result.error)).toBe(true);
    expect((result.error as PatternOutputError).participant).toBe("vague");
    expect(a.prompts).toEqual([]);
  });

  it("rejects a missing branch with a TypeError", () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "a", { ledger }).agent;
    expect(() => conditional(() => true, a, undefined as never)).toThrow(
      /conditional\(whenFalse\): expected an agent or a workflow/,
    );
  });
});
