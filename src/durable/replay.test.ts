import { describe, expect, it } from "vitest";
import { agent } from "../agents/agent.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { approve, reject } from "./approvals.js";
import { fork } from "./fork.js";
import { replay } from "./replay.js";
import { resume } from "./resume.js";
import { scriptedModel, textReply } from "./test-support.js";

const prices = { "test:scripted": { inputPerMillion: 100, outputPerMillion: 200 } };

/** research (agent) -> count (function) -> summary (agent) -> report (function). */
function pipeline() {
  const { model, state } = scriptedModel((options) => {
    const prompt = JSON.stringify(options.prompt);
    return textReply(
      prompt.includes("Summarise") ? "Short summary." : "Fact one. Fact two. Fact three.",
    );
  });
  const researcher = agent({ name: "researcher", model, prices });
  const summariser = agent({ name: "summariser", model, prices });
  let counted = 0;
  const flow = workflow<{ topic: string }>("pipeline")
    .step("research", researcher, { input: ({ input }) => `Research ${input.topic}` })
    .step(
      "count",
      ({ results }) => {
        counted++;
        return results.research.text.split(".").filter(Boolean).length;
      },
      { dependsOn: ["research"] },
    )
    .step("summary", summariser, {
      dependsOn: ["count"],
      input: ({ results }) => `Summarise ${results.count} facts`,
    })
    .step(
      "report",
      ({ results, input }) => `${input.topic}: ${results.count} facts. ${results.summary.text}`,
      { dependsOn: ["summary"] },
    );
  return { flow, state, counted: () => counted };
}

describe("replay", () => {
  it("re-executes a recorded run offline with identical results and zero model calls", async () => {
    const store = new MemoryStore();
    const { flow, state, counted } = pipeline();
    const recorded = await flow.start({ topic: "tides" }, { store }).result;
    expect(recorded.status).toBe("succeeded");
    expect(state.calls).toBe(2);

    state.fail = true; // from here on, any model call throws
    const replayed = await replay(recorded.runId, { store, workflows: { pipeline: flow } });
    expect(replayed.identical).toBe(true);
    expect(replayed.differences).toEqual([]);
    expect(replayed.result.output).toBe(recorded.output);
    expect(replayed.result.output).toBe("tides: 3 facts. Short summary.");
    expect(replayed.modelCallsRefused).toBe(0);
    expect(state.calls).toBe(2);
    expect(replayed.served).toEqual(["research", "summary"]);
    expect(replayed.reran).toEqual(["count", "report"]);
    expect(counted()).toBe(2); // the function step ran again
    // The recording was only read.
    expect(foldRunLog(await store.readLog(recorded.runId)).steps).toEqual(recorded.steps);
    expect((await store.listRuns()).map((run) => run.id)).toEqual([recorded.runId]);
  });

  it("points at the step whose code no longer gives the recorded result", async () => {
    const store = new MemoryStore();
    const { flow } = pipeline();
    const recorded = await flow.start({ topic: "tides" }, { store }).result;
    const changed = workflow<{ topic: string }>("pipeline")
      .step(
        "research",
        agent({ name: "researcher", model: scriptedModel(() => textReply("x")).model }),
      )
      .step("count", () => 99, { dependsOn: ["research"] })
      .step(
        "summary",
        agent({ name: "summariser", model: scriptedModel(() => textReply("x")).model }),
        {
          dependsOn: ["count"],
        },
      )
      .step("report", ({ results }) => `${results.count}`, { dependsOn: ["summary"] });
    const replayed = await replay(recorded.runId, { store, workflows: { pipeline: changed } });
    expect(replayed.identical).toBe(false);
    expect(replayed.differences).toEqual([
      "run: output differs",
      'step "count": output differs',
      'step "report": output differs',
    ]);
  });

  /** draft -> publish (a function step that needs approval), decided, then resumed to its end. */
  async function decidedRun(decide: typeof approve) {
    const store = new MemoryStore();
    const counts = { published: 0 };
    const flow = workflow<string>("release")
      .step("draft", ({ input }) => `draft of ${input}`)
      .step(
        "publish",
        ({ results }) => {
          counts.published++;
          return `published ${results.draft}`;
        },
        { dependsOn: ["draft"], approval: { message: "Publish?" } },
      );
    const first = await flow.start("post", { store }).result;
    expect(first.status).toBe("waiting");
    await decide(first.runId, "publish", { store, comment: "noted" });
    const resumed = await resume(first.runId, { store, workflows: { release: flow } });
    return { store, flow, runId: first.runId, counts, result: await resumed.result };
  }

  it("keeps a recorded approval: an approved, resumed run replays identically", async () => {
    const { store, flow, runId, counts, result } = await decidedRun(approve);
    expect(result.status).toBe("succeeded");

    const replayed = await replay(runId, { store, workflows: { release: flow } });
    expect(replayed.differences).toEqual([]);
    expect(replayed.identical).toBe(true);
    expect(replayed.result.steps.publish!.output).toBe("published draft of post");
    expect(counts.published).toBe(2); // the function step ran again, on the recorded decision
  });

  it("keeps a recorded rejection: the step fails again as it did", async () => {
    const { store, flow, runId, counts, result } = await decidedRun(reject);
    expect(result.status).toBe("failed");

    const replayed = await replay(runId, { store, workflows: { release: flow } });
    expect(replayed.differences).toEqual([]);
    expect(replayed.result.steps.publish!.status).toBe("failed");
    expect(counts.published).toBe(0);
  });
});

describe("fork", () => {
  it("reuses the steps before fromStep and reruns it and its descendants with the new input", async () => {
    const store = new MemoryStore();
    const { flow, state, counted } = pipeline();
    const recorded = await flow.start({ topic: "tides" }, { store }).result;
    const callsBefore = state.calls;

    const forked = await fork(recorded.runId, {
      store,
      fromStep: "summary",
      input: { topic: "waves" },
      workflows: { pipeline: flow },
    });
    const result = await forked.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe("waves: 3 facts. Short summary.");
    expect(state.calls).toBe(callsBefore + 1); // only "summary" called its model
    expect(counted()).toBe(1); // "count" was reused, not rerun
    expect(result.steps.research!.output).toEqual(recorded.steps.research!.output);
    const record = await store.getRun(forked.id);
    expect(record).toMatchObject({
      status: "succeeded",
      input: { topic: "waves" },
      metadata: { forkOf: recorded.runId, fromStep: "summary" },
    });
    // The fork's own log folds to its result (it stands alone).
    expect(foldRunLog(await store.readLog(forked.id)).output).toBe(result.output);
    // And the original is untouched.
    expect(foldRunLog(await store.readLog(recorded.runId)).output).toBe(recorded.output);
  });

  it("rejects a step the workflow does not have", async () => {
    const store = new MemoryStore();
    const { flow } = pipeline();
    const recorded = await flow.start({ topic: "tides" }, { store }).result;
    await expect(
      fork(recorded.runId, { store, fromStep: "nope", workflows: { pipeline: flow } }),
    ).rejects.toThrow(/has no step "nope" \(steps: research, count, summary, report\)/);
  });
});
