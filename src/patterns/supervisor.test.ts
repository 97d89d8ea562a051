import { describe, expect, it } from "vitest";
import { reviewSchema } from "./schemas.js";
import { supervisor } from "./supervisor.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

const reject = (feedback: string) => JSON.stringify({ approved: false, feedback });
const approve = JSON.stringify({ approved: true, feedback: "ship it" });

describe("supervisor", () => {
  it("returns the first approved draft, with the reviews that led to it", async () => {
    const ledger = new MockLedger();
    const junior = mockAgent("junior", (_prompt, call) => `draft ${call}`, { ledger });
    const editor = mockAgent("editor", [reject("too long"), approve], {
      ledger,
      output: reviewSchema,
    });
    const senior = mockAgent("senior", "senior's answer", { ledger });
    const result = await supervisor({
      worker: junior.agent,
      reviewer: editor.agent,
      maxRevisions: 3,
      escalate: senior.agent,
    }).run("release notes");
    expect(editor.prompts).toHaveLength(2);
    expect(junior.prompts[1]).toContain("Your previous draft:\ndraft 1");
    expect(junior.prompts[1]).toContain("Feedback: too long");
    expect(senior.prompts).toEqual([]);
    expect(result.output).toMatchObject({
      approved: true,
      escalated: false,
      text: "draft 2",
      drafts: 2,
      reviews: [
        { draft: 1, approved: false, feedback: "too long", text: "draft 1" },
        { draft: 2, approved: true, feedback: "ship it", text: "draft 2" },
      ],
    });
    expect(result.steps.escalate).toMatchObject({ status: "skipped", skipReason: "condition" });
  });

  it("escalates after exactly maxRevisions rejections", async () => {
    for (const maxRevisions of [1, 2, 4]) {
      const ledger = new MockLedger();
      const junior = mockAgent("junior", (_prompt, call) => `draft ${call}`, { ledger });
      const editor = mockAgent("editor", (_prompt, call) => reject(`no ${call}`), { ledger });
      const senior = mockAgent("senior", "fixed by senior", { ledger });
      const run = supervisor({
        worker: junior.agent,
        reviewer: editor.agent,
        maxRevisions,
        escalate: senior.agent,
      }).start("task");
      const events = await collect(run.events);
      const result = await run.result;
      expect(editor.prompts).toHaveLength(maxRevisions);
      expect(junior.prompts).toHaveLength(maxRevisions);
      expect(senior.prompts).toHaveLength(1);
      expect(senior.prompts[0]).toContain(`The last one:\ndraft ${maxRevisions}`);
      expect(senior.prompts[0]).toContain(`${maxRevisions}. no ${maxRevisions}`);
      expect(result.output).toMatchObject({
        approved: false,
        escalated: true,
        text: "fixed by senior",
        drafts: maxRevisions,
        escalation: { text: "fixed by senior" },
      });
      expect(events.filter((event) => event.type === "custom:review")).toHaveLength(maxRevisions);
      expect(events.filter((event) => event.type === "custom:escalation")).toHaveLength(1);
      expect(result.usage).toEqual(ledger.usage());
      expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
    }
  });

  it("escalates to a function, or reports the escalation when there is no handler", async () => {
    const ledger = new MockLedger();
    const junior = mockAgent("junior", "meh", { ledger });
    const editor = mockAgent("editor", "REJECTED: not good", { ledger });
    const handled = await supervisor({
      worker: junior.agent,
      reviewer: editor.agent,
      maxRevisions: 2,
      escalate: ({ reviews, draft }) => `human takes over after ${reviews.length}: ${draft}`,
    }).run("t");
    expect(handled.output).toMatchObject({
      escalated: true,
      text: "human takes over after 2: meh",
    });

    const run = supervisor({ worker: junior.agent, reviewer: editor.agent, maxRevisions: 1 }).start(
      "t",
    );
    const events = await collect(run.events);
    const bare = await run.result;
    expect(bare.output).toMatchObject({ approved: false, escalated: true, text: "meh", drafts: 1 });
    expect(bare.output.reviews[0]).toMatchObject({ approved: false, feedback: "not good" });
    expect(events.some((event) => event.type === "custom:escalation")).toBe(true);
  });

  it("rejects a bad maxRevisions and escalate with an OptionsError", () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "x", { ledger }).agent;
    expect(() => supervisor({ worker: a, reviewer: a, maxRevisions: 1.5 })).toThrow(
      /maxRevisions: expected an integer >= 1, received 1.5/,
    );
    expect(() => supervisor({ worker: a, reviewer: a, escalate: "boss" as never })).toThrow(
      /escalate: expected an agent, a workflow or a function/,
    );
  });
});
