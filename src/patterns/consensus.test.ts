import { describe, expect, it } from "vitest";
import { consensus } from "./consensus.js";
import { PatternOutputError } from "./pattern-output-error.js";
import { voteSchema } from "./schemas.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

const vote = (approve: boolean, reason: string) => JSON.stringify({ approve, reason });

function board(ledger: MockLedger, approvals: readonly boolean[]) {
  return approvals.map(
    (approve, index) =>
      mockAgent(`member-${index + 1}`, vote(approve, `reason ${index + 1}`), {
        ledger,
        output: voteSchema,
      }).agent,
  );
}

describe("consensus", () => {
  it("approves with 2 of 3 votes against a 0.66 threshold (0.667 >= 0.66)", async () => {
    const ledger = new MockLedger();
    const run = consensus({ agents: board(ledger, [true, false, true]), threshold: 0.66 }).start(
      "Adopt Rust",
    );
    const events = await collect(run.events);
    const result = await run.result;
    expect(result.output).toMatchObject({
      decision: "approved",
      approved: true,
      threshold: 0.66,
      votes: [
        { agent: "member-1", approve: true, reason: "reason 1" },
        { agent: "member-2", approve: false, reason: "reason 2" },
        { agent: "member-3", approve: true, reason: "reason 3" },
      ],
    });
    expect(result.output.ratio).toBeCloseTo(2 / 3, 12);
    expect(result.output.reasoning).toBe(
      "- member-1 (for): reason 1\n- member-2 (against): reason 2\n- member-3 (for): reason 3",
    );
    expect(events.filter((event) => event.type === "custom:vote")).toHaveLength(3);
    expect(events.find((event) => event.type === "custom:consensus")).toMatchObject({
      data: { decision: "approved", votes: 3 },
    });
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });

  it("rejects with 1 of 3 votes against a 0.66 threshold", async () => {
    const ledger = new MockLedger();
    const result = await consensus({
      agents: board(ledger, [false, true, false]),
      threshold: 0.66,
    }).run("Adopt Rust");
    expect(result.output).toMatchObject({ decision: "rejected", approved: false });
    expect(result.output.ratio).toBeCloseTo(1 / 3, 12);
    expect(result.output.text).toMatch(/^rejected: /);
  });

  it("puts the threshold on the boundary: 3 of 4 passes 0.75 and fails 0.76", async () => {
    const ledger = new MockLedger();
    const agents = board(ledger, [true, true, true, false]);
    expect((await consensus({ agents, threshold: 0.75 }).run("p")).output.approved).toBe(true);
    expect((await consensus({ agents, threshold: 0.76 }).run("p")).output.approved).toBe(false);
  });

  it("asks every voter the proposal, reads plain yes / no votes, and synthesises the reasoning", async () => {
    const ledger = new MockLedger();
    const yes = mockAgent("yes-man", "Yes: it is cheap.", { ledger });
    const no = mockAgent("sceptic", "No, too risky.", { ledger });
    const scribe = mockAgent("scribe", "Split on risk versus cost.", { ledger });
    const run = consensus({ agents: [yes.agent, no.agent], synthesizer: scribe.agent }).start(
      "Buy the startup",
    );
    const events = await collect(run.events);
    const result = await run.result;
    expect(yes.prompts[0]).toContain("Proposal: Buy the startup");
    expect(result.output.votes.map((entry) => [entry.approve, entry.reason])).toEqual([
      [true, "it is cheap."],
      [false, "too risky."],
    ]);
    // 1 of 2 meets the default threshold of 0.5.
    expect(result.output.decision).toBe("approved");
    expect(scribe.prompts[0]).toContain("Decision: approved (1 of 2 in favour)");
    expect(result.output.reasoning).toBe("Split on risk versus cost.");
    expect(events.map((event) => event.type)).toContain("synthesis-end");
  });

  it("counts only the votes cast when a quorum tolerates a failed voter", async () => {
    const ledger = new MockLedger();
    const [first, second] = board(ledger, [true, false]);
    const broken = mockAgent(
      "broken",
      () => {
        throw new Error("down");
      },
      { ledger },
    );
    const result = await consensus({
      agents: [first!, second!, broken.agent],
      threshold: 0.5,
      quorum: 2,
    }).run("p");
    expect(result.output.votes).toHaveLength(2);
    expect(result.output.ratio).toBe(0.5);
  });

  it("fails with PatternOutputError on a vote it cannot read", async () => {
    const ledger = new MockLedger();
    const vague = mockAgent("vague", "Perhaps.", { ledger });
    const result = await consensus({ agents: [vague.agent] }).start("p").result;
    expect(result.status).toBe("failed");
    expect(PatternOutputError.isInstance(result.error)).toBe(true);
  });

  it("rejects a threshold outside (0, 1] with an OptionsError", () => {
    const ledger = new MockLedger();
    const agents = board(ledger, [true]);
    expect(() => consensus({ agents, threshold: 0 })).toThrow(
      /threshold: expected a number in \(0, 1\]/,
    );
    expect(() => consensus({ agents, threshold: 66 })).toThrow(/received 66/);
  });
});
