import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OptionsError } from "../core/errors/options-error.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import { disagreements } from "../core/test-support/rule-agreement.js";
import { ApprovalRejectedError } from "../core/workflow/approval-rejected-error.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { SqliteStore } from "../stores/sqlite/sqlite-store.js";
import { ManualClock } from "../testing/manual-clock.js";
import * as approvalRules from "./approval-options-rules.js";
import { approve, pendingApprovals, reject } from "./approvals.js";
import { DurableError } from "./durable-error.js";
import { openDurable } from "./open-durable.js";
import { resume } from "./resume.js";
import { otherHandle, tempDir } from "./test-support.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function publishFlow(counts: Record<string, number>) {
  const count = (id: string) => {
    counts[id] = (counts[id] ?? 0) + 1;
  };
  return workflow<string>("publish")
    .step("draft", async ({ input }) => {
      count("draft");
      return `draft of ${input}`;
    })
    .step(
      "publish",
      async ({ results }) => {
        count("publish");
        return `published ${results.draft}`;
      },
      {
        dependsOn: ["draft"],
        approval: { message: ({ results }) => `Publish "${results.draft}"?` },
      },
    )
    .step("metrics", async () => {
      count("metrics");
      return "counted";
    });
}

describe("Human approval", () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("persists a waiting run, and continues it in another process after approve and resume", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, "baton.db");
    const counts: Record<string, number> = {};
    const flow = publishFlow(counts);

    // Process 1 runs until the approval, then exits.
    const first = await openDurable({ store: path, workflows: { publish: flow } });
    const run = first.start(flow, "post");
    const waiting = await run.result;
    expect(waiting.status).toBe("waiting");
    expect(waiting.steps.metrics!.status).toBe("succeeded");
    await first.close();

    // Process 2 (another handle on the file) sees the request, and approves.
    const pending = await pendingApprovals({ store: path });
    expect(pending).toEqual([
      {
        runId: run.id,
        workflow: "publish",
        stepId: "publish",
        message: 'Publish "draft of post"?',
        requestedAt: expect.any(Number),
      },
    ]);
    const decision = await approve(run.id, "publish", { store: path, comment: "ship it" });
    expect(decision).toMatchObject({ approved: true, delivery: "stored" });
    const reader = new SqliteStore({ path });
    cleanups.push(() => reader.close());
    expect((await reader.getRun(run.id))?.status).toBe("pending");
    expect(await pendingApprovals({ store: reader })).toEqual([]);

    // Process 3 resumes it.
    const resumed = await resume(run.id, { store: path, workflows: { publish: flow } });
    const result = await resumed.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.publish!.output).toBe("published draft of post");
    expect(counts).toEqual({ draft: 1, metrics: 1, publish: 1 });
    const log = await reader.readLog(run.id);
    expect(log.filter((event) => event.type === "approval-request")).toHaveLength(1);
    expect(log.find((event) => event.type === "approval-decision")).toMatchObject({
      stepId: "publish",
      approved: true,
      comment: "ship it",
    });
  });

  it("keeps parallel branches running while steps wait, and takes several decisions in any order", async () => {
    const store = new MemoryStore();
    const slow = deferred();
    const ran: string[] = [];
    const flow = workflow("review", { failureMode: "continue" })
      .step(
        "left",
        async () => {
          ran.push("left");
          return "L";
        },
        { approval: true },
      )
      .step(
        "right",
        async () => {
          ran.push("right");
          return "R";
        },
        { approval: true },
      )
      .step("long", async () => {
        await slow.promise;
        ran.push("long");
        return "done";
      });
    const durable = await openDurable({ store, workflows: { review: flow } });
    cleanups.push(() => durable.close());
    const run = durable.start(flow, undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await durable.pendingApprovals()).map((item) => item.stepId).sort()).toEqual([
      "left",
      "right",
    ]);

    // While "long" still runs, "right" is approved: the live run acts on it at once.
    expect(await durable.approve(run.id, "right")).toMatchObject({ delivery: "live" });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ran).toEqual(["right"]);
    slow.resolve();
    const waiting = await run.result;
    expect(waiting.status).toBe("waiting");
    expect(waiting.steps.long!.status).toBe("succeeded");
    expect(waiting.steps.right!.output).toBe("R");

    // "left" is rejected later, through the store: the resumed run fails that step only.
    expect(await reject(run.id, "left", { store, comment: "too risky" })).toMatchObject({
      delivery: "stored",
    });
    const result = await (await durable.resume(run.id)).result;
    expect(result.status).toBe("failed");
    expect(result.steps.left!.status).toBe("failed");
    expect(ApprovalRejectedError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toBe('Step "left" was not approved: too risky');
    expect(ran).toEqual(["right", "long"]);
  });

  it("resumes a run at once when the decision goes through an auto-resuming Durable", async () => {
    const store = new MemoryStore();
    const counts: Record<string, number> = {};
    const flow = publishFlow(counts);
    const durable = await openDurable({ store, workflows: { publish: flow }, autoResume: true });
    cleanups.push(() => durable.close());
    const resumed: string[] = [];
    const run = durable.start(flow, "post");
    expect((await run.result).status).toBe("waiting");
    const decision = await durable.approve(run.id, "publish");
    expect(decision.delivery).toBe("resumed");
    const again = durable.runs.get(run.id);
    expect(again).toBeDefined();
    resumed.push(run.id);
    expect((await again!.result).status).toBe("succeeded");
    expect(counts.publish).toBe(1);
  });

  it("delivers a decision made by another process to the live run at its next heartbeat", async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStore();
    const slow = deferred();
    const flow = workflow("gate")
      .step("check", async () => "ok", { approval: true })
      .step("long", async () => {
        await slow.promise;
        return "done";
      });
    const durable = await openDurable({
      store,
      workflows: { gate: flow },
      clock,
      heartbeatMs: 1_000,
    });
    cleanups.push(() => durable.close());
    cleanups.push(() => slow.resolve());
    const run = durable.start(flow, undefined);
    await clock.flush();
    // Another process's handle: a different object over the same data.
    const elsewhere = otherHandle(store);
    expect(await approve(run.id, "check", { store: elsewhere, clock })).toMatchObject({
      delivery: "stored",
    });
    await clock.advance(1_000);
    const log = await store.readLog(run.id);
    expect(log.filter((event) => event.type === "step-end").map((event) => event.stepId)).toEqual([
      "check",
    ]);
    slow.resolve();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    const final = await store.readLog(run.id);
    expect(final.filter((event) => event.type === "approval-decision")).toHaveLength(1);
  });

  it("says what a run waits for when the decision matches nothing", async () => {
    const store = new MemoryStore();
    const flow = publishFlow({});
    const run = await flow.start("post", { store }).result;
    await expect(approve(run.runId, "draft", { store })).rejects.toSatisfy(
      (error) =>
        DurableError.isInstance(error) &&
        error.code === "no-pending-approval" &&
        /no pending approval for step "draft"; it waits for: step "publish"/.test(error.message),
    );
    await approve(run.runId, "publish", { store });
    await expect(approve(run.runId, "publish", { store })).rejects.toThrow(
      /it waits for no approval/,
    );
    expect(foldRunLog(await store.readLog(run.runId)).approvals).toEqual({
      publish: { approved: true },
    });
    await expect(approve("", "x", { store })).rejects.toThrow(TypeError);
  });

  it("refuses bad options with one OptionsError listing every problem with its path", async () => {
    const store = new MemoryStore();
    const flow = publishFlow({});
    const run = await flow.start("post", { store }).result;
    const refused = async (decision: Promise<unknown>) => {
      const error = await decision.catch((caught: unknown) => caught);
      if (!OptionsError.isInstance(error)) throw error;
      return error;
    };
    const approved = await refused(
      approve(run.runId, "publish", { store, comment: 3, toolCallid: "call_1" } as never),
    );
    expect(approved.where).toBe("approve()");
    expect(approved.issues).toEqual([
      { path: "comment", message: "expected a string, received 3" },
      { path: "toolCallid", message: 'unknown option "toolCallid" (did you mean "toolCallId"?)' },
    ]);
    const rejected = await refused(reject(run.runId, "publish", { store, toolCallId: 7 } as never));
    expect(String(rejected)).toContain(
      "Invalid options for reject() (1 problem):\n  toolCallId: expected a tool call id (a string), received 7",
    );
    const listed = await refused(pendingApprovals({ store, runId: "", signl: 1 } as never));
    expect(listed.issues).toEqual([
      { path: "runId", message: 'expected a non-empty string, received ""' },
      { path: "signl", message: 'unknown option "signl" (did you mean "signal"?)' },
    ]);
    const durable = await openDurable({ store, workflows: { publish: flow } });
    try {
      const live = await refused(durable.approve(run.runId, "publish", { store } as never));
      expect(live.where).toBe("durable.approve()");
      expect(live.issues[0]?.path).toBe("store");
      await refused(durable.pendingApprovals({ runid: run.runId } as never));
    } finally {
      await durable.close();
    }
    expect((await pendingApprovals({ store })).map((item) => item.stepId)).toEqual(["publish"]);
    for (const rule of Object.values(approvalRules)) expect(disagreements(rule)).toEqual([]);
  });
});
