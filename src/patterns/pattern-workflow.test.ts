import { describe, expect, it } from "vitest";
import { foldRunLog } from "../engine/index.js";
import { Workflow, WorkflowError } from "../index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { parallel } from "./parallel.js";
import { PatternWorkflow } from "./pattern-workflow.js";
import { sequential } from "./sequential.js";
import { MockLedger, mockAgent } from "./test-support.js";

describe("PatternWorkflow", () => {
  it("is a Workflow whose run resolves with the typed output, and rejects with WorkflowError", async () => {
    const ok = new PatternWorkflow<{ doubled: number }>("double", {
      output: (results) => ({ doubled: results.twice }),
    }).step("twice", ({ input }) => input.length * 2);
    expect(ok).toBeInstanceOf(Workflow);
    const result = await ok.run("abc");
    const doubled: number = result.output.doubled;
    expect(doubled).toBe(6);

    const broken = new PatternWorkflow<unknown>("broken", { output: () => null }).step(
      "boom",
      () => {
        throw new Error("boom");
      },
      { retry: 1 },
    );
    const error = await broken.run("x").catch((thrown: unknown) => thrown);
    expect(WorkflowError.isInstance(error)).toBe(true);
  });

  it("carries the run's progress on its events, stage by stage", async () => {
    const ledger = new MockLedger();
    const flow = sequential(
      ["outline", "draft", "polish"].map((name) => mockAgent(name, name, { ledger }).agent),
    );
    const run = flow.start("go");
    const seen: string[] = [];
    for await (const event of run.events) {
      if (event.type === "step-end" || event.type === "run-end") {
        const { completed, total, percent } = event.progress!;
        seen.push(`${event.type} ${completed}/${total} ${percent}%`);
      }
    }
    expect(seen).toEqual([
      "step-end 1/3 33%",
      "step-end 2/3 66%",
      "step-end 3/3 100%",
      "run-end 3/3 100%",
    ]);
  });

  it("resumes from its log without rerunning the stages that ended", async () => {
    const ledger = new MockLedger();
    const first = mockAgent("first", "A", { ledger });
    const second = mockAgent("second", (prompt) => `${prompt}B`, { ledger });
    const flow = sequential([first.agent, second.agent]);
    const store = new MemoryStore();
    const run = flow.start("go", { store });
    let surviving: Awaited<ReturnType<MemoryStore["readLog"]>> = [];
    for await (const event of run.events) {
      if (event.type === "step-end" && event.stepId === "first") {
        // The process "crashes" here: only the log up to the first stage's end survives.
        surviving = await store.readLog(run.id);
        break;
      }
    }
    await run.result;
    const state = foldRunLog(surviving);
    expect(state.steps.first!.status).toBe("succeeded");
    expect(state.steps.second!.status).not.toBe("succeeded");

    const resumed = await flow.start("ignored", { store: new MemoryStore(), resumeFrom: state })
      .result;
    expect(resumed.status).toBe("succeeded");
    expect(resumed.output.text).toBe("AB");
    expect(first.prompts).toHaveLength(1);
    expect(second.prompts).toHaveLength(2);
  });

  it("is a member of another pattern: its output text is handed on and its spend rolls up", async () => {
    const ledger = new MockLedger();
    const a = mockAgent("a", "yes", { ledger });
    const b = mockAgent("b", "no", { ledger });
    const merger = mockAgent("merger", "maybe", { ledger });
    const editor = mockAgent("editor", (prompt) => `edited ${prompt}`, { ledger });
    const result = await sequential([
      parallel([a.agent, b.agent], { merge: merger.agent }),
      editor.agent,
    ]).run("question");
    expect(editor.prompts).toEqual(["maybe"]);
    expect(result.output.text).toBe("edited maybe");
    expect(ledger.usages).toHaveLength(4);
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
  });
});
